/* The host side of samples/c-host: a Vulkan instance and device of the host's own (validation layer on, every
 * message counted), and a readback of mip 0 of an image into host memory with the host's own copy commands.
 * Shared with the plugin's Unity-interface test, which plays Unity with the same device. */
#ifndef SEEDTEX_HOST_GPU_H
#define SEEDTEX_HOST_GPU_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan.h>
#include "seedtex.h"

#define VK(call) do { VkResult r_ = (call); if (r_ != VK_SUCCESS) { printf("FAIL %s -> %d\n", #call, r_); exit(1); } } while (0)

static int validation_messages = 0;
static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
                                                    const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    (void)type; (void)user;
    validation_messages++;
    printf("VALIDATION %s: %s\n", severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning", data->pMessage);
    return VK_FALSE;
}

typedef struct {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    VkPhysicalDevice physical;
    VkDevice device;
    uint32_t family;
    VkQueue queue;
    VkCommandPool pool;
} host_gpu;

static host_gpu create_gpu(void) {
    host_gpu g = {0};
    const char* layers[] = { "VK_LAYER_KHRONOS_validation" };
    const char* instance_extensions[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
    VkApplicationInfo app = { VK_STRUCTURE_TYPE_APPLICATION_INFO, NULL, "seedtex-c-host", 1, "c-host", 1, VK_API_VERSION_1_2 };
    VkDebugUtilsMessengerCreateInfoEXT messenger = { VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT };
    messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger.pfnUserCallback = on_validation;
    /* Chained into instance creation too, so vkCreateInstance and vkDestroyInstance are covered. */
    VkInstanceCreateInfo ici = { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, &messenger, 0, &app, 1, layers, 1, instance_extensions };
    VK(vkCreateInstance(&ici, NULL, &g.instance));
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(g.instance, "vkCreateDebugUtilsMessengerEXT");
    VK(create_messenger(g.instance, &messenger, NULL, &g.messenger));

    uint32_t count = 1;
    VkResult r = vkEnumeratePhysicalDevices(g.instance, &count, &g.physical);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || count == 0) { printf("FAIL no Vulkan device\n"); exit(1); }
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(g.physical, &props);
    printf("device: %s\n", props.deviceName);

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(g.physical, &families, NULL);
    VkQueueFamilyProperties family_props[16];
    if (families > 16) families = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(g.physical, &families, family_props);
    g.family = UINT32_MAX;
    for (uint32_t i = 0; i < families && g.family == UINT32_MAX; i++)
        if (family_props[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) g.family = i;
    if (g.family == UINT32_MAX) { printf("FAIL no graphics queue\n"); exit(1); }

    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci = { VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, NULL, 0, g.family, 1, &priority };
    VkDeviceCreateInfo dci = { VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, NULL, 0, 1, &qci, 0, NULL, 0, NULL, NULL };
    VK(vkCreateDevice(g.physical, &dci, NULL, &g.device));
    vkGetDeviceQueue(g.device, g.family, 0, &g.queue);
    VkCommandPoolCreateInfo pci = { VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL, VK_COMMAND_POOL_CREATE_TRANSIENT_BIT, g.family };
    VK(vkCreateCommandPool(g.device, &pci, NULL, &g.pool));
    return g;
}

static void destroy_gpu(host_gpu* g) {
    vkDestroyCommandPool(g->device, g->pool, NULL);
    vkDestroyDevice(g->device, NULL);
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(g->instance, "vkDestroyDebugUtilsMessengerEXT");
    destroy_messenger(g->instance, g->messenger, NULL);
    vkDestroyInstance(g->instance, NULL);
}

/* Copies mip 0 of every layer of the plugin's image into host memory, as the engine's own readback would, and
   puts the image back in the layout the plugin reported. Returns malloc'd RGBA8 bytes, layer after layer. */
static unsigned char* read_back(host_gpu* g, const stx_gpu_texture* t) {
    uint32_t layers = t->is_cube ? 6 : 1;
    VkDeviceSize size = (VkDeviceSize)t->width * t->height * 4 * layers;
    VkBufferCreateInfo bci = { VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, NULL, 0, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, VK_SHARING_MODE_EXCLUSIVE, 0, NULL };
    VkBuffer buffer;
    VK(vkCreateBuffer(g->device, &bci, NULL, &buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(g->device, buffer, &req);
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(g->physical, &mem);
    uint32_t type = UINT32_MAX;
    VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (uint32_t i = 0; i < mem.memoryTypeCount && type == UINT32_MAX; i++)
        if ((req.memoryTypeBits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & want) == want) type = i;
    VkMemoryAllocateInfo mai = { VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, NULL, req.size, type };
    VkDeviceMemory memory;
    VK(vkAllocateMemory(g->device, &mai, NULL, &memory));
    VK(vkBindBufferMemory(g->device, buffer, memory, 0));

    VkCommandBufferAllocateInfo cai = { VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL, g->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1 };
    VkCommandBuffer cb;
    VK(vkAllocateCommandBuffers(g->device, &cai, &cb));
    VkCommandBufferBeginInfo begin = { VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, NULL, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, NULL };
    VK(vkBeginCommandBuffer(cb, &begin));
    VkImage image = (VkImage)(uintptr_t)t->image;
    VkImageSubresourceRange range = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, layers };
    VkImageMemoryBarrier to_src = { VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER, NULL, VK_ACCESS_SHADER_READ_BIT, VK_ACCESS_TRANSFER_READ_BIT,
        (VkImageLayout)t->layout, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, image, range };
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &to_src);
    VkBufferImageCopy region = { 0, 0, 0, { VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, layers }, { 0, 0, 0 }, { (uint32_t)t->width, (uint32_t)t->height, 1 } };
    vkCmdCopyImageToBuffer(cb, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &region);
    VkImageMemoryBarrier back = to_src;
    back.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    back.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    back.newLayout = (VkImageLayout)t->layout;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, NULL, 0, NULL, 1, &back);
    VkBufferMemoryBarrier to_host = { VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER, NULL, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_HOST_READ_BIT,
        VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, buffer, 0, VK_WHOLE_SIZE };
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &to_host, 0, NULL);
    VK(vkEndCommandBuffer(cb));
    VkSubmitInfo submit = { VK_STRUCTURE_TYPE_SUBMIT_INFO, NULL, 0, NULL, NULL, 1, &cb, 0, NULL };
    VkFenceCreateInfo fci = { VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, NULL, 0 };
    VkFence fence;
    VK(vkCreateFence(g->device, &fci, NULL, &fence));
    VK(vkQueueSubmit(g->queue, 1, &submit, fence));
    VK(vkWaitForFences(g->device, 1, &fence, VK_TRUE, UINT64_MAX));

    unsigned char* pixels = malloc(size);
    void* mapped;
    VK(vkMapMemory(g->device, memory, 0, size, 0, &mapped));
    memcpy(pixels, mapped, size);
    vkUnmapMemory(g->device, memory);
    vkDestroyFence(g->device, fence, NULL);
    vkFreeCommandBuffers(g->device, g->pool, 1, &cb);
    vkDestroyBuffer(g->device, buffer, NULL);
    vkFreeMemory(g->device, memory, NULL);
    return pixels;
}


/* The CPU pixels of mip 0, every face, in the same packing as read_back. */
static int matches_cpu_pixels(const stx_pixels* px, const unsigned char* gpu, int faces) {
    size_t face_bytes = 0, level0 = (size_t)px->width * px->height * 4;
    for (int level = 0; level < px->mip_count; level++) {
        int w = px->width >> level, h = px->height >> level;
        face_bytes += (size_t)(w ? w : 1) * (h ? h : 1) * 4;
    }
    for (int f = 0; f < faces; f++)
        if (memcmp(px->data + f * face_bytes, gpu + f * level0, level0) != 0) return 0;
    return 1;
}

#endif

/* Plays Unity for the plugin: an IUnityInterfaces registry handed to UnityPluginLoad, answering the
 * IUnityGraphicsVulkan GUID with an interface whose Instance() returns this program's own Vulkan device (lavapipe,
 * validation layer on). Layouts and the GUID follow Unity's IUnityInterface.h and IUnityGraphicsVulkan.h.
 * Then, as a Unity script would: create a context (it must take Unity's device by itself), request, drive delivery
 * only through the render-event callback (GL.IssuePluginEvent), read the VkImage back, unload the plugin.
 * A second registry without Vulkan (Unity on another graphics API) must leave results on the CPU.
 * Usage: unity_vulkan_test PLUGIN.so MODEL_DIR CACHE_DIR    Exit code 0 when every check passed. */
#include <dlfcn.h>
#include <math.h>
#include <unistd.h>
#include "host_gpu.h"

static int failures = 0;
static const char* (*last_error)(void);
#define CHECK(cond, what) do { if (cond) printf("ok   %s\n", what); else { printf("FAIL %s (last error: %s)\n", what, last_error()); failures++; } } while (0)

typedef struct {
    VkPipelineCache pipelineCache;
    VkInstance instance;
    VkPhysicalDevice physicalDevice;
    VkDevice device;
    VkQueue graphicsQueue;
    PFN_vkGetInstanceProcAddr getInstanceProcAddr;
    unsigned int queueFamilyIndex;
    void* reserved[8];
} UnityVulkanInstance;

typedef struct { unsigned long long high, low; } UnityInterfaceGUID;

typedef struct {
    void* (*GetInterface)(UnityInterfaceGUID guid);
    void (*RegisterInterface)(UnityInterfaceGUID guid, void* ptr);
    void* (*GetInterfaceSplit)(unsigned long long high, unsigned long long low);
    void (*RegisterInterfaceSplit)(unsigned long long high, unsigned long long low, void* ptr);
} IUnityInterfaces;

typedef struct {
    void* InterceptInitialization;
    void* InterceptVulkanAPI;
    void* ConfigureEvent;
    UnityVulkanInstance (*Instance)(void);
    void* later_functions[12]; /* CommandRecordingState, AccessTexture, ...: not used by the plugin */
} IUnityGraphicsVulkan;

static host_gpu gpu;
static int instance_calls = 0;

static UnityVulkanInstance unity_instance(void) {
    instance_calls++;
    UnityVulkanInstance u = {0};
    u.instance = gpu.instance;
    u.physicalDevice = gpu.physical;
    u.device = gpu.device;
    u.graphicsQueue = gpu.queue;
    u.getInstanceProcAddr = vkGetInstanceProcAddr;
    u.queueFamilyIndex = gpu.family;
    return u;
}

static IUnityGraphicsVulkan graphics_vulkan = { NULL, NULL, NULL, unity_instance, {0} };

static void* with_vulkan(unsigned long long high, unsigned long long low) {
    return high == 0x95355348d4ef4e11ULL && low == 0x9789313dfcffcc87ULL ? &graphics_vulkan : NULL;
}

static void* without_vulkan(unsigned long long high, unsigned long long low) { (void)high; (void)low; return NULL; }

int main(int argc, char** argv) {
    if (argc != 4) { fprintf(stderr, "usage: unity_vulkan_test PLUGIN.so MODEL_DIR CACHE_DIR\n"); return 2; }
    gpu = create_gpu();
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { printf("FAIL dlopen: %s\n", dlerror()); return 1; }
    void (*plugin_load)(IUnityInterfaces*) = (void (*)(IUnityInterfaces*))dlsym(lib, "UnityPluginLoad");
    void (*plugin_unload)(void) = (void (*)(void))dlsym(lib, "UnityPluginUnload");
    last_error = (const char* (*)(void))dlsym(lib, "stx_last_error");
    stx_status (*context_create)(const stx_context_desc*, stx_context**) = (stx_status (*)(const stx_context_desc*, stx_context**))dlsym(lib, "stx_context_create");
    stx_status (*request_texture)(stx_context*, const stx_texture_settings*, stx_request**) = (stx_status (*)(stx_context*, const stx_texture_settings*, stx_request**))dlsym(lib, "stx_request_texture");
    stx_status (*request_poll)(stx_request*, uint32_t*, float*) = (stx_status (*)(stx_request*, uint32_t*, float*))dlsym(lib, "stx_request_poll");
    stx_status (*get_texture)(stx_request*, stx_gpu_texture*) = (stx_status (*)(stx_request*, stx_gpu_texture*))dlsym(lib, "stx_request_get_texture");
    stx_status (*get_pixels)(stx_request*, stx_pixels*) = (stx_status (*)(stx_request*, stx_pixels*))dlsym(lib, "stx_request_get_pixels");
    stx_status (*context_destroy)(stx_context*) = (stx_status (*)(stx_context*))dlsym(lib, "stx_context_destroy");
    stx_render_event_func (*render_event_func)(void) = (stx_render_event_func (*)(void))dlsym(lib, "stx_get_render_event_func");
    if (!plugin_load || !plugin_unload || !last_error || !context_create || !request_texture || !request_poll || !get_texture
        || !get_pixels || !context_destroy || !render_event_func) { printf("FAIL missing export\n"); return 1; }
    stx_render_event_func render_event = render_event_func();

    IUnityInterfaces registry = { NULL, NULL, with_vulkan, NULL };
    plugin_load(&registry);
    stx_context_desc desc = { sizeof desc, argv[2], argv[3], 0 };
    stx_context* ctx = NULL;
    CHECK(context_create(&desc, &ctx) == STX_OK, "context created inside 'Unity on Vulkan'");
    CHECK(instance_calls == 1, "the plugin asked IUnityGraphicsVulkan::Instance for Unity's device");

    stx_texture_settings s = { sizeof s, "red bricks", NULL, 3, 64, 64, 2, NAN, STX_TILE_X | STX_TILE_Y, STX_KIND_TEXTURE, 0, 0, 0 };
    stx_request* req = NULL;
    CHECK(request_texture(ctx, &s, &req) == STX_OK, "texture requested");
    uint32_t state = STX_REQUEST_WAITING;
    for (int frame = 0; frame < 6000 && state == STX_REQUEST_WAITING; frame++) {
        render_event(2000);  /* GL.IssuePluginEvent(func, 2000) on Unity's render thread */
        request_poll(req, &state, NULL);
        if (state == STX_REQUEST_WAITING) usleep(2000);
    }
    CHECK(state == STX_REQUEST_DONE, "delivered through the render-event callback alone");
    stx_gpu_texture t = { sizeof t };
    stx_pixels px = { sizeof px };
    CHECK(get_texture(req, &t) == STX_OK && t.image != 0 && t.width == 64 && t.mip_count == 7 && t.layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
          "a VkImage on Unity's device, ready to sample (Texture2D.CreateExternalTexture)");
    CHECK(get_pixels(req, &px) == STX_OK, "CPU pixels too");
    if (t.image != 0) {
        unsigned char* back = read_back(&gpu, &t);
        CHECK(matches_cpu_pixels(&px, back, 1), "Unity's device holds the same pixels");
        free(back);
    }
    plugin_unload();
    CHECK(request_poll(req, &state, NULL) == STX_ERROR_INVALID_HANDLE, "UnityPluginUnload ended the context and its requests");
    CHECK(context_destroy(ctx) == STX_ERROR_INVALID_HANDLE, "the unloaded context is an invalid handle, not a crash");

    IUnityInterfaces other_api = { NULL, NULL, without_vulkan, NULL };
    plugin_load(&other_api);
    CHECK(context_create(&desc, &ctx) == STX_OK, "context created inside 'Unity on another graphics API'");
    s.seed = 4;
    CHECK(request_texture(ctx, &s, &req) == STX_OK, "texture requested");
    state = STX_REQUEST_WAITING;
    for (int frame = 0; frame < 6000 && state == STX_REQUEST_WAITING; frame++) {
        render_event(2000);
        request_poll(req, &state, NULL);
        if (state == STX_REQUEST_WAITING) usleep(2000);
    }
    CHECK(state == STX_REQUEST_DONE && get_pixels(req, &px) == STX_OK, "CPU pixels delivered");
    CHECK(get_texture(req, &t) == STX_ERROR_NOT_AVAILABLE, "no VkImage without Vulkan");
    plugin_unload();

    destroy_gpu(&gpu);
    printf("validation messages: %d\n", validation_messages);
    CHECK(validation_messages == 0, "the validation layer reported nothing");
    printf("%s: %d failed\n", failures ? "FAILED" : "ALL OK", failures);
    return failures ? 1 : 0;
}

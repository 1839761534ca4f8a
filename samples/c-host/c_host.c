/* samples/c-host: a C "engine" that uses the Seedtex plugin the way a renderer would.
 *
 * 1. creates its own Vulkan instance and device (any driver; lavapipe here) with the validation layer on,
 * 2. dlopens the published plugin and hands it that device,
 * 3. requests a tileable texture and a backdrop cubemap,
 * 4. "renders frames" (one stx_pump per frame with a 2 ms budget) until both are done,
 * 5. reads the VkImages back with its own copy commands, checks them against the plugin's CPU pixels, writes PNGs.
 *
 * Build: gcc -O2 -Wall -I plugin/include samples/c-host/c_host.c -o c-host -lvulkan -ldl
 * Run:   ./c-host artifacts/plugin/linux-x64/seedtex.so CACHE_DIR OUT_DIR [MODEL_DIR]
 * Exit code 0 when everything worked and the validation layer said nothing. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan.h>
#include "seedtex.h"
#include "png_write.h"
#include "host_gpu.h"

static int failures = 0;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}


#define CHECK(cond, what) do { if (cond) printf("ok   %s\n", what); else { printf("FAIL %s (seedtex: %s)\n", what, stx.last_error()); failures++; } } while (0)

/* The plugin's entry points, looked up with dlsym as an engine loading a plugin at run time does. */
static struct {
    uint32_t (*abi_version)(void);
    const char* (*last_error)(void);
    stx_status (*context_create)(const stx_context_desc*, stx_context**);
    stx_status (*context_destroy)(stx_context*);
    stx_status (*context_attach_vulkan)(stx_context*, const stx_vulkan_device*);
    stx_status (*request_texture)(stx_context*, const stx_texture_settings*, stx_request**);
    stx_status (*pump)(stx_context*, uint32_t, uint32_t*);
    stx_status (*request_poll)(stx_request*, uint32_t*, float*);
    stx_status (*request_get_pixels)(stx_request*, stx_pixels*);
    stx_status (*request_get_texture)(stx_request*, stx_gpu_texture*);
    stx_status (*request_release)(stx_request*);
} stx;

int main(int argc, char** argv) {
    if (argc < 4) { fprintf(stderr, "usage: c-host PLUGIN.so CACHE_DIR OUT_DIR [MODEL_DIR]\n"); return 2; }
    host_gpu gpu = create_gpu();

    double t0 = now_ms();
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { printf("FAIL dlopen: %s\n", dlerror()); return 1; }
#define LOAD(field, name) *(void**)&stx.field = dlsym(lib, name); if (!stx.field) { printf("FAIL missing export %s\n", name); return 1; }
    LOAD(abi_version, "stx_abi_version") LOAD(last_error, "stx_last_error") LOAD(context_create, "stx_context_create")
    LOAD(context_destroy, "stx_context_destroy") LOAD(context_attach_vulkan, "stx_context_attach_vulkan")
    LOAD(request_texture, "stx_request_texture") LOAD(pump, "stx_pump") LOAD(request_poll, "stx_request_poll")
    LOAD(request_get_pixels, "stx_request_get_pixels") LOAD(request_get_texture, "stx_request_get_texture")
    LOAD(request_release, "stx_request_release")
    CHECK(stx.abi_version() == STX_ABI_VERSION, "plugin speaks this header's ABI");

    stx_context_desc desc = { sizeof desc, argc > 4 ? argv[4] : NULL, argv[2], 0 };
    stx_context* ctx = NULL;
    CHECK(stx.context_create(&desc, &ctx) == STX_OK, "context created");
    if (!ctx) return 1;
    stx_vulkan_device device = { sizeof device, VK_API_VERSION_1_2, gpu.instance, gpu.physical, gpu.device, gpu.queue, gpu.family,
                                 0, NULL, (void*)vkGetInstanceProcAddr };
    CHECK(stx.context_attach_vulkan(ctx, &device) == STX_OK, "host device attached");

    stx_texture_settings tex = { sizeof tex, "mossy grey cobblestone", NULL, 42, 256, 256, 0, NAN, STX_TILE_X | STX_TILE_Y, STX_KIND_TEXTURE, 1, 0, 0 };
    stx_texture_settings sky = { sizeof sky, "sunset sky over mountains", NULL, 7, 512, 256, 0, NAN, 0, STX_KIND_BACKDROP, 1, 128, 0 };
    stx_request* requests[2] = { NULL, NULL };
    CHECK(stx.request_texture(ctx, &tex, &requests[0]) == STX_OK, "tileable texture requested");
    CHECK(stx.request_texture(ctx, &sky, &requests[1]) == STX_OK, "backdrop cubemap requested");

    /* The frame loop: one pump per frame, never waiting on the plugin. */
    int frames = 0, done = 0;
    double worst_pump = 0, first_texture_ms = 0;
    while (done < 2 && frames < 60 * 300) {
        double p0 = now_ms();
        uint32_t delivered = 0;
        stx.pump(ctx, 2000, &delivered);
        double spent = now_ms() - p0;
        if (spent > worst_pump) worst_pump = spent;
        done = 0;
        for (int i = 0; i < 2; i++) {
            uint32_t state = 0;
            stx.request_poll(requests[i], &state, NULL);
            if (state != STX_REQUEST_WAITING) done++;
        }
        if (done > 0 && first_texture_ms == 0) first_texture_ms = now_ms() - t0;
        frames++;
        struct timespec frame = { 0, 16 * 1000 * 1000 };
        nanosleep(&frame, NULL);
    }
    printf("frames %d, worst stx_pump %.2f ms, plugin load to first texture %.0f ms\n", frames, worst_pump, first_texture_ms);
    CHECK(done == 2, "both requests finished while frames ran");

    const char* names[2] = { "texture.png", "sky_faces.png" };
    for (int i = 0; i < 2; i++) {
        uint32_t state = 0;
        stx.request_poll(requests[i], &state, NULL);
        CHECK(state == STX_REQUEST_DONE, i == 0 ? "texture DONE" : "cubemap DONE");
        stx_gpu_texture t = { sizeof t };
        stx_pixels px = { sizeof px };
        if (stx.request_get_texture(requests[i], &t) != STX_OK || stx.request_get_pixels(requests[i], &px) != STX_OK) {
            CHECK(0, "GPU texture and CPU pixels available");
            continue;
        }
        printf("%s: VkImage 0x%llx view 0x%llx format %u layout %u %dx%d mips %d cube %d\n", names[i], (unsigned long long)t.image,
               (unsigned long long)t.image_view, t.format, t.layout, t.width, t.height, t.mip_count, t.is_cube);
        CHECK(t.image != 0 && t.image_view != 0 && t.layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL && t.format == VK_FORMAT_R8G8B8A8_SRGB,
              "a sampled sRGB image in SHADER_READ_ONLY_OPTIMAL");
        CHECK(i == 0 ? (t.width == 256 && t.height == 256 && t.mip_count == 9 && !t.is_cube)
                     : (t.width == 128 && t.height == 128 && t.mip_count == 8 && t.is_cube),
              i == 0 ? "256x256 with 9 mips" : "cube of 128x128 faces with 8 mips");
        int faces = t.is_cube ? 6 : 1;
        unsigned char* pixels = read_back(&gpu, &t);
        CHECK(matches_cpu_pixels(&px, pixels, faces), "GPU image equals the plugin's CPU pixels byte for byte");
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[3], names[i]);
        /* Faces side by side: +X -X +Y -Y +Z -Z. */
        unsigned char* strip = malloc((size_t)t.width * faces * t.height * 4);
        for (int f = 0; f < faces; f++)
            for (int y = 0; y < t.height; y++)
                memcpy(strip + ((size_t)y * t.width * faces + (size_t)f * t.width) * 4, pixels + (((size_t)f * t.height + y) * t.width) * 4, (size_t)t.width * 4);
        CHECK(png_write_rgba(path, strip, t.width * faces, t.height) == 0, "PNG written");
        free(strip);
        free(pixels);
    }

    for (int i = 0; i < 2; i++)
        CHECK(stx.request_release(requests[i]) == STX_OK, "request released");
    CHECK(stx.context_destroy(ctx) == STX_OK, "context destroyed");
    destroy_gpu(&gpu);
    printf("validation messages: %d\n", validation_messages);
    CHECK(validation_messages == 0, "the validation layer reported nothing");
    printf("%s: %d failed\n", failures ? "FAILED" : "ALL OK", failures);
    return failures ? 1 : 0;
}

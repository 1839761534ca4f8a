/* Drives the published Seedtex plugin through its C ABI the way a C engine would: dlopen, create a context,
 * request, pump once per "frame", poll, read pixels, and every kind of bad input. Prints one line per check.
 * Usage: abi_test PLUGIN.so MODEL_DIR CACHE_DIR     Exit code 0 when every check passed. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "seedtex.h"

static int failures = 0;
static const char* (*last_error)(void);

#define CHECK(cond, what) do { if (cond) printf("ok   %s\n", what); else { printf("FAIL %s (last error: %s)\n", what, last_error()); failures++; } } while (0)
#define LOAD(name) name##_fn name = (name##_fn)dlsym(lib, #name); if (!name) { printf("FAIL missing export %s\n", #name); return 1; }

typedef uint32_t (*stx_abi_version_fn)(void);
typedef const char* (*stx_last_error_fn)(void);
typedef stx_status (*stx_context_create_fn)(const stx_context_desc*, stx_context**);
typedef stx_status (*stx_context_destroy_fn)(stx_context*);
typedef stx_status (*stx_request_texture_fn)(stx_context*, const stx_texture_settings*, stx_request**);
typedef stx_status (*stx_pump_fn)(stx_context*, uint32_t, uint32_t*);
typedef stx_status (*stx_request_poll_fn)(stx_request*, uint32_t*, float*);
typedef stx_status (*stx_request_get_pixels_fn)(stx_request*, stx_pixels*);
typedef stx_status (*stx_request_cancel_fn)(stx_request*);
typedef stx_status (*stx_request_release_fn)(stx_request*);
typedef stx_render_event_func (*stx_get_render_event_func_fn)(void);
typedef stx_status (*stx_context_attach_vulkan_fn)(stx_context*, const stx_vulkan_device*);
typedef stx_status (*stx_request_get_texture_fn)(stx_request*, stx_gpu_texture*);
typedef stx_status (*stx_request_get_preview_fn)(stx_request*, stx_pixels*);

/* Pumps frames until the request leaves WAITING; returns its state. */
static uint32_t wait_done(stx_pump_fn pump, stx_request_poll_fn poll, stx_context* ctx, stx_request* req) {
    uint32_t state = STX_REQUEST_WAITING, delivered = 0;
    for (int frame = 0; frame < 6000 && state == STX_REQUEST_WAITING; frame++) {
        pump(ctx, 2000, &delivered);
        poll(req, &state, NULL);
        if (state == STX_REQUEST_WAITING) usleep(2000);
    }
    return state;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
    if (argc != 4) { fprintf(stderr, "usage: abi_test PLUGIN.so MODEL_DIR CACHE_DIR\n"); return 2; }
    double t0 = now_ms();
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { printf("FAIL dlopen: %s\n", dlerror()); return 1; }
    LOAD(stx_abi_version) LOAD(stx_last_error) LOAD(stx_context_create) LOAD(stx_context_destroy)
    LOAD(stx_request_texture) LOAD(stx_pump) LOAD(stx_request_poll) LOAD(stx_request_get_pixels)
    LOAD(stx_request_cancel) LOAD(stx_request_release) LOAD(stx_get_render_event_func)
    LOAD(stx_context_attach_vulkan) LOAD(stx_request_get_texture) LOAD(stx_request_get_preview)
    last_error = stx_last_error;

    CHECK(stx_abi_version() == STX_ABI_VERSION, "abi version matches the header");
    CHECK(stx_get_render_event_func() != NULL, "render event function exported");

    stx_context* ctx = NULL;
    CHECK(stx_context_create(NULL, &ctx) == STX_ERROR_NULL_POINTER && strlen(stx_last_error()) > 0, "NULL desc is a null-pointer error with a message");
    stx_context_desc desc = { sizeof desc, argv[2], argv[3], 0 };
    CHECK(stx_context_create(&desc, NULL) == STX_ERROR_NULL_POINTER, "NULL out_context is a null-pointer error");
    desc.struct_size = 8;
    CHECK(stx_context_create(&desc, &ctx) == STX_ERROR_ABI_MISMATCH, "older struct_size is an ABI mismatch");
    desc.struct_size = sizeof desc + 16;
    CHECK(stx_context_create(&desc, &ctx) == STX_ERROR_ABI_MISMATCH, "newer struct_size is an ABI mismatch");
    desc.struct_size = sizeof desc;
    desc.model_folder = "/nonexistent/seedtex-model";
    CHECK(stx_context_create(&desc, &ctx) == STX_ERROR_MODEL && strstr(stx_last_error(), "does not exist"), "missing model folder is a model error naming it");
    desc.model_folder = "\xff\xfe";
    CHECK(stx_context_create(&desc, &ctx) == STX_ERROR_INVALID_UTF8, "invalid UTF-8 folder is rejected");
    desc.model_folder = argv[2];
    CHECK(stx_context_create(&desc, &ctx) == STX_OK && ctx != NULL, "context created");

    stx_texture_settings s = { sizeof s, "mossy cobblestone", NULL, 42, 64, 64, 2, 1.0f, STX_TILE_X | STX_TILE_Y, STX_KIND_TEXTURE, 1 };
    stx_request* req = NULL;
    stx_texture_settings bad = s;
    bad.prompt = NULL;
    CHECK(stx_request_texture(ctx, &bad, &req) == STX_ERROR_NULL_POINTER, "NULL prompt is a null-pointer error");
    bad = s; bad.prompt = "bricks \xc3\x28";
    CHECK(stx_request_texture(ctx, &bad, &req) == STX_ERROR_INVALID_UTF8, "invalid UTF-8 prompt is rejected");
    bad = s; bad.width = 100;
    CHECK(stx_request_texture(ctx, &bad, &req) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "multiple of 8"), "width 100 is an invalid argument naming the fix");
    bad = s; bad.struct_size = 12;
    CHECK(stx_request_texture(ctx, &bad, &req) == STX_ERROR_ABI_MISMATCH, "settings from another ABI are rejected");
    CHECK(stx_request_texture((stx_context*)(uintptr_t)0x1234, &s, &req) == STX_ERROR_INVALID_HANDLE, "made-up context handle is an invalid handle");

    s.tiling = 0;
    CHECK(stx_request_texture(ctx, &s, &req) == STX_OK, "texture requested");
    uint32_t state = 0, delivered = 0;
    float progress = 0;
    stx_pixels px;
    px.struct_size = sizeof px;
    /* Results are handed over only inside stx_pump, so before the first pump the request must still be waiting. */
    CHECK(stx_request_poll(req, &state, &progress) == STX_OK && state == STX_REQUEST_WAITING, "waiting before the first pump");
    CHECK(stx_request_get_pixels(req, &px) == STX_PENDING, "pixels before done are pending");
    for (int frame = 0; frame < 6000 && state == STX_REQUEST_WAITING; frame++) {
        stx_pump(ctx, 2000, &delivered);
        stx_request_poll(req, &state, &progress);
        usleep(10000);
    }
    double cold = now_ms() - t0;
    CHECK(state == STX_REQUEST_DONE && progress == 1.0f, "request done after pumping frames");
    CHECK(stx_request_get_pixels(req, &px) == STX_OK, "pixels read");
    CHECK(px.width == 64 && px.height == 64 && px.mip_count == 7 && px.face_count == 1 && px.size == 21844 && px.format == STX_FORMAT_RGBA8_SRGB, "64x64 RGBA8 with 7 mips = 21844 bytes");
    CHECK(px.data != NULL && px.data[3] == 255 && px.cache_hit == 0, "opaque pixels, generated (not cached)");
    unsigned long sum = 0;
    for (uint64_t i = 0; i < px.size; i++) sum += px.data[i];
    CHECK(sum > 0, "pixels are not all zero");

    double t1 = now_ms();
    stx_request* again = NULL;
    state = 0;
    CHECK(stx_request_texture(ctx, &s, &again) == STX_OK, "same texture requested again");
    for (int frame = 0; frame < 600 && state == STX_REQUEST_WAITING; frame++) {
        stx_pump(ctx, 2000, &delivered);
        stx_request_poll(again, &state, &progress);
        if (state == STX_REQUEST_WAITING) usleep(1000);
    }
    double warm = now_ms() - t1;
    stx_pixels px2;
    px2.struct_size = sizeof px2;
    CHECK(state == STX_REQUEST_DONE && stx_request_get_pixels(again, &px2) == STX_OK && px2.cache_hit == 1, "second request is a cache hit");
    CHECK(px2.size == px.size && memcmp(px.data, px2.data, px.size) == 0, "cache hit has identical pixels");

    /* ABI 2: GPU results, previews, cubemap backdrops, and their bad input. */
    stx_gpu_texture gt = { sizeof gt };
    CHECK(stx_request_get_texture(req, &gt) == STX_ERROR_NOT_AVAILABLE && strstr(stx_last_error(), "stx_context_attach_vulkan"), "GPU texture without an attached device is not available, naming the fix");
    gt.struct_size = 8;
    CHECK(stx_request_get_texture(req, &gt) == STX_ERROR_ABI_MISMATCH, "stx_gpu_texture from another ABI is rejected");
    CHECK(stx_request_get_texture(req, NULL) == STX_ERROR_NULL_POINTER, "NULL out_texture is a null-pointer error");
    CHECK(stx_request_get_preview(req, &px2) == STX_ERROR_NOT_AVAILABLE && strstr(stx_last_error(), "preview_every"), "no preview when preview_every was 0");
    CHECK(stx_context_attach_vulkan(ctx, NULL) == STX_ERROR_NULL_POINTER, "NULL device is a null-pointer error");
    stx_vulkan_device dev = { sizeof dev };
    CHECK(stx_context_attach_vulkan(ctx, &dev) == STX_ERROR_NULL_POINTER && strstr(stx_last_error(), "instance"), "NULL Vulkan handles are a null-pointer error naming them");
    dev.struct_size = sizeof dev - 8;
    CHECK(stx_context_attach_vulkan(ctx, &dev) == STX_ERROR_ABI_MISMATCH, "stx_vulkan_device from another ABI is rejected");
    dev.struct_size = sizeof dev;
    dev.instance = dev.physical_device = dev.device = dev.queue = dev.get_instance_proc_addr = (void*)&dev;
    dev.enabled_extension_count = 2;
    CHECK(stx_context_attach_vulkan(ctx, &dev) == STX_ERROR_NULL_POINTER && strstr(stx_last_error(), "enabled_extensions"), "extension count without a list is a null-pointer error");

    stx_texture_settings b = s;
    b.steps = 2; b.seed = 11; b.kind = STX_KIND_BACKDROP; b.width = 128; b.height = 64; b.tiling = 0; b.cube_face_size = 48;
    stx_request* cube = NULL;
    CHECK(stx_request_texture(ctx, &b, &cube) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "power of two"), "cube face 48 is refused: not a power of two");
    stx_texture_settings t2 = s;
    t2.steps = 2; t2.cube_face_size = 64;
    CHECK(stx_request_texture(ctx, &t2, &cube) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "STX_KIND_BACKDROP"), "a cube face size on a texture is refused");
    t2.cube_face_size = 0; t2.kind = 2;
    CHECK(stx_request_texture(ctx, &t2, &cube) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "kind"), "unknown kind is refused");
    t2.kind = STX_KIND_TEXTURE; t2.preview_every = -1;
    CHECK(stx_request_texture(ctx, &t2, &cube) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "preview_every"), "negative preview_every is refused");

    b.cube_face_size = 16;
    CHECK(stx_request_texture(ctx, &b, &cube) == STX_OK, "backdrop cubemap requested");
    CHECK(wait_done(stx_pump, stx_request_poll, ctx, cube) == STX_REQUEST_DONE, "backdrop cubemap done");
    stx_pixels cp = { sizeof cp };
    CHECK(stx_request_get_pixels(cube, &cp) == STX_OK && cp.face_count == 6 && cp.width == 16 && cp.height == 16 && cp.mip_count == 5
          && cp.size == 6 * 4 * (256 + 64 + 16 + 4 + 1), "cubemap: six 16x16 faces with 5 mips");

    t2.preview_every = 1; t2.seed = 12; t2.steps = 3;
    stx_request* previewed = NULL;
    CHECK(stx_request_texture(ctx, &t2, &previewed) == STX_OK, "texture with previews requested");
    CHECK(wait_done(stx_pump, stx_request_poll, ctx, previewed) == STX_REQUEST_DONE, "texture with previews done");
    stx_pixels pv = { sizeof pv };
    CHECK(stx_request_get_preview(previewed, &pv) == STX_OK && pv.width == 8 && pv.height == 8 && pv.size == 256 && pv.data && pv.data[3] == 255,
          "latest preview: 8x8 RGBA8 for a 64x64 texture");
    CHECK(stx_request_release(cube) == STX_OK && stx_request_release(previewed) == STX_OK, "release cubemap and previewed requests");

    /* ABI 3: PBR maps of a texture, cached under the texture's key. */
    stx_texture_settings n = s;
    n.output = STX_OUTPUT_NORMAL;
    stx_request* normal = NULL;
    CHECK(stx_request_texture(ctx, &n, &normal) == STX_OK, "normal map of the first texture requested");
    CHECK(wait_done(stx_pump, stx_request_poll, ctx, normal) == STX_REQUEST_DONE, "normal map done");
    stx_pixels np = { sizeof np };
    CHECK(stx_request_get_pixels(normal, &np) == STX_OK && np.format == STX_FORMAT_RGBA8_UNORM && np.width == 64 && np.mip_count == 7
          && np.size == 21844 && np.cache_hit == 0, "normal map: 64x64 RGBA8 UNORM with 7 mips, made now");
    unsigned long blue = 0;
    for (int i = 0; i < 64 * 64; i++) blue += np.data[i * 4 + 2];
    CHECK(blue / (64 * 64) > 150, "normals point out of the surface (mean blue > 150)");
    stx_request* normal2 = NULL;
    stx_pixels np2 = { sizeof np2 };
    CHECK(stx_request_texture(ctx, &n, &normal2) == STX_OK && wait_done(stx_pump, stx_request_poll, ctx, normal2) == STX_REQUEST_DONE
          && stx_request_get_pixels(normal2, &np2) == STX_OK && np2.cache_hit == 1 && memcmp(np.data, np2.data, np.size) == 0,
          "the same normal map again is a cache hit with the same bytes");
    CHECK(stx_request_release(normal2) == STX_OK, "release the second normal map");
    /* ABI 4: the DirectX convention flips green only; an explicit strength 2 is the default's entry. */
    stx_texture_settings dx = n;
    dx.normal_convention = STX_NORMAL_DIRECTX;
    stx_pixels dp = { sizeof dp };
    CHECK(stx_request_texture(ctx, &dx, &normal2) == STX_OK && wait_done(stx_pump, stx_request_poll, ctx, normal2) == STX_REQUEST_DONE
          && stx_request_get_pixels(normal2, &dp) == STX_OK && dp.cache_hit == 0 && dp.size == np.size, "DirectX normal map made (its own entry)");
    int flipped = 1;
    for (int i = 0; i < 64 * 64; i++) {
        int g = dp.data[i * 4 + 1] + np.data[i * 4 + 1];
        flipped &= dp.data[i * 4] == np.data[i * 4] && dp.data[i * 4 + 2] == np.data[i * 4 + 2] && g >= 254 && g <= 256;
    }
    CHECK(flipped, "DirectX normal map: red and blue as OpenGL's, green mirrored (g_dx + g_gl = 255 +- 1)");
    CHECK(stx_request_release(normal2) == STX_OK, "release the DirectX normal map");
    stx_texture_settings two = n;
    two.normal_strength = 2.0f;
    CHECK(stx_request_texture(ctx, &two, &normal2) == STX_OK && wait_done(stx_pump, stx_request_poll, ctx, normal2) == STX_REQUEST_DONE
          && stx_request_get_pixels(normal2, &np2) == STX_OK && np2.cache_hit == 1 && memcmp(np.data, np2.data, np.size) == 0,
          "normal_strength 2 is the default (0): the same entry");
    CHECK(stx_request_release(normal2) == STX_OK, "release the strength-2 normal map");
    two.normal_strength = 8.0f;
    CHECK(stx_request_texture(ctx, &two, &normal2) == STX_OK && wait_done(stx_pump, stx_request_poll, ctx, normal2) == STX_REQUEST_DONE
          && stx_request_get_pixels(normal2, &np2) == STX_OK && np2.cache_hit == 0 && memcmp(np.data, np2.data, np.size) != 0,
          "a steeper normal map is another entry with other pixels");
    CHECK(stx_request_release(normal2) == STX_OK, "release the strength-8 normal map");
    dx.normal_convention = 2;
    CHECK(stx_request_texture(ctx, &dx, &normal2) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "STX_NORMAL_DIRECTX"), "unknown normal convention is refused");
    two.normal_strength = -1.0f;
    CHECK(stx_request_texture(ctx, &two, &normal2) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "normal_strength"), "negative normal strength is refused");
    two.normal_strength = NAN;
    CHECK(stx_request_texture(ctx, &two, &normal2) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "normal_strength"), "NaN normal strength is refused");
    n.output = 5;
    CHECK(stx_request_texture(ctx, &n, &normal2) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "STX_OUTPUT_ALBEDO"), "unknown output is refused");
    b.output = STX_OUTPUT_ROUGHNESS;
    CHECK(stx_request_texture(ctx, &b, &normal2) == STX_ERROR_INVALID_ARGUMENT && strstr(stx_last_error(), "STX_KIND_TEXTURE"), "a map of a backdrop is refused");
    CHECK(stx_request_release(normal) == STX_OK, "release the normal map");

    stx_request* cancelled = NULL;
    s.steps = 1000; s.seed = 7;
    CHECK(stx_request_texture(ctx, &s, &cancelled) == STX_OK && stx_request_cancel(cancelled) == STX_OK, "long request cancelled");
    state = 0;
    for (int frame = 0; frame < 3000 && state == STX_REQUEST_WAITING; frame++) {
        stx_pump(ctx, 2000, &delivered);
        stx_request_poll(cancelled, &state, &progress);
        usleep(1000);
    }
    CHECK(state == STX_REQUEST_CANCELLED, "cancelled request reports CANCELLED");
    CHECK(stx_request_get_pixels(cancelled, &px2) == STX_ERROR_CANCELLED, "cancelled request has no pixels");

    CHECK(stx_request_release(req) == STX_OK, "release");
    CHECK(stx_request_release(req) == STX_ERROR_INVALID_HANDLE, "double release is an invalid handle");
    CHECK(stx_request_poll(req, &state, &progress) == STX_ERROR_INVALID_HANDLE, "poll after release is an invalid handle");
    CHECK(stx_request_poll(again, NULL, NULL) == STX_ERROR_NULL_POINTER, "NULL out_state is a null-pointer error");
    CHECK(stx_request_release(again) == STX_OK && stx_request_release(cancelled) == STX_OK, "release the rest");

    stx_request* orphan = NULL;
    s.seed = 8;
    CHECK(stx_request_texture(ctx, &s, &orphan) == STX_OK, "a long request left open when the context goes");
    CHECK(stx_context_destroy(ctx) == STX_OK, "context destroyed");
    CHECK(stx_request_poll(orphan, &state, &progress) == STX_ERROR_INVALID_HANDLE, "its open request became an invalid handle");
    CHECK(stx_request_release(orphan) == STX_ERROR_INVALID_HANDLE, "releasing it is an invalid handle, not a crash");
    CHECK(stx_context_destroy(ctx) == STX_ERROR_INVALID_HANDLE, "destroy twice is an invalid handle");
    CHECK(stx_request_texture(ctx, &s, &req) == STX_ERROR_INVALID_HANDLE, "request after destroy is an invalid handle");
    CHECK(stx_pump(ctx, 100, NULL) == STX_ERROR_INVALID_HANDLE, "pump after destroy is an invalid handle");
    CHECK(stx_context_attach_vulkan(ctx, &dev) == STX_ERROR_INVALID_HANDLE, "attach after destroy is an invalid handle");

    printf("timing load-to-first-texture %.1f ms (cold cache), repeat request %.2f ms (warm cache)\n", cold, warm);
    printf("%s: %d failed\n", failures ? "FAILED" : "ALL OK", failures);
    return failures ? 1 : 0;
}

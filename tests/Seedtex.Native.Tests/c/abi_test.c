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

    CHECK(stx_context_destroy(ctx) == STX_OK, "context destroyed");
    CHECK(stx_context_destroy(ctx) == STX_ERROR_INVALID_HANDLE, "destroy twice is an invalid handle");
    CHECK(stx_request_texture(ctx, &s, &req) == STX_ERROR_INVALID_HANDLE, "request after destroy is an invalid handle");
    CHECK(stx_pump(ctx, 100, NULL) == STX_ERROR_INVALID_HANDLE, "pump after destroy is an invalid handle");

    printf("timing load-to-first-texture %.1f ms (cold cache), repeat request %.2f ms (warm cache)\n", cold, warm);
    printf("%s: %d failed\n", failures ? "FAILED" : "ALL OK", failures);
    return failures ? 1 : 0;
}

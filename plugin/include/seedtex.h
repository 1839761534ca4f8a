/*
 * seedtex.h: the C ABI of the Seedtex native plugin (libseedtex.so / seedtex.dll / libseedtex.dylib).
 *
 * Prompt in, texture out: an engine creates a context on a model folder and a cache folder, requests textures
 * with a UTF-8 prompt and a settings struct, calls stx_pump() once per frame on its main thread, and polls
 * each request until it is done. Same model + prompt + seed + settings gives the same pixels, from the cache
 * after the first time.
 *
 * Conventions
 * - Every function returns an stx_status (except stx_abi_version, stx_last_error, stx_get_render_event_func and
 *   the Unity entry points). No exception or signal crosses the boundary.
 * - On failure, stx_last_error() returns a UTF-8 message naming the problem and the fix. It is per thread and
 *   stays valid until the next Seedtex call on that thread.
 * - Structs start with struct_size = sizeof(struct) as the caller compiled it. A size the library does not
 *   know (an older or newer ABI) returns STX_ERROR_ABI_MISMATCH.
 * - Handles are opaque. A handle that was destroyed or released, or was never one, returns
 *   STX_ERROR_INVALID_HANDLE: the library never dereferences a handle value.
 * - Thread safety is stated per function.
 *
 * Not in this version: attaching the host's Vulkan device (VkImage results) and the Unity Vulkan interface;
 * results are CPU pixels in GPU-ready layout (mip chain, faces), ready for the host's own upload.
 */
#ifndef SEEDTEX_H
#define SEEDTEX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STX_ABI_VERSION 1u

typedef enum stx_status {
    STX_OK = 0,
    STX_PENDING = 1,                  /* not finished yet; poll again */
    STX_ERROR_INVALID_ARGUMENT = -1,  /* a value is out of range; the message says which and the valid range */
    STX_ERROR_NULL_POINTER = -2,      /* a pointer the header requires was NULL */
    STX_ERROR_INVALID_UTF8 = -3,      /* a string is not valid UTF-8 */
    STX_ERROR_INVALID_HANDLE = -4,    /* destroyed, released or never-valid handle */
    STX_ERROR_ABI_MISMATCH = -5,      /* struct_size from another ABI version */
    STX_ERROR_MODEL = -6,             /* the model folder is missing a file or does not fit */
    STX_ERROR_IO = -7,                /* a file or folder could not be read or written */
    STX_ERROR_CANCELLED = -8,         /* the request was cancelled */
    STX_ERROR_FAILED = -9,            /* generation failed for another reason (the message says why) */
} stx_status;

typedef enum stx_request_state {
    STX_REQUEST_WAITING = 0,   /* queued or generating */
    STX_REQUEST_DONE = 1,      /* pixels available */
    STX_REQUEST_FAILED = 2,    /* stx_request_get_pixels returns the error */
    STX_REQUEST_CANCELLED = 3,
} stx_request_state;

typedef enum stx_pixel_format {
    STX_FORMAT_RGBA8_SRGB = 1,   /* VK_FORMAT_R8G8B8A8_SRGB */
    STX_FORMAT_RGBA8_UNORM = 2,  /* VK_FORMAT_R8G8B8A8_UNORM */
    STX_FORMAT_RGBA16_FLOAT = 3, /* VK_FORMAT_R16G16B16A16_SFLOAT */
} stx_pixel_format;

enum { STX_TILE_X = 1, STX_TILE_Y = 2 };
enum { STX_KIND_TEXTURE = 1, STX_KIND_BACKDROP = 3 };

typedef struct stx_context stx_context;
typedef struct stx_request stx_request;

typedef struct stx_context_desc {
    uint32_t struct_size;      /* sizeof(stx_context_desc) */
    const char* model_folder;  /* UTF-8, diffusers ONNX layout; NULL = models/seedtex-tiny beside the library */
    const char* cache_folder;  /* UTF-8, required: the local disk cache */
    int32_t threads;           /* ONNX Runtime threads; 0 = one per core */
} stx_context_desc;

typedef struct stx_texture_settings {
    uint32_t struct_size;          /* sizeof(stx_texture_settings) */
    const char* prompt;            /* UTF-8, required */
    const char* negative_prompt;   /* UTF-8 or NULL */
    int64_t seed;
    int32_t width, height;         /* multiples of 8, 64..4096; 0 = the model's default size */
    int32_t steps;                 /* 0 = the model's default */
    float guidance;                /* NaN = the model's default; <= 1 turns guidance off */
    uint32_t tiling;               /* STX_TILE_X | STX_TILE_Y */
    uint32_t kind;                 /* STX_KIND_TEXTURE or STX_KIND_BACKDROP (2:1, wraps in x) */
    uint32_t priority;             /* 0 editor, 1 game runtime, 2 bake */
} stx_texture_settings;

typedef struct stx_pixels {
    uint32_t struct_size;   /* sizeof(stx_pixels) */
    uint32_t format;        /* stx_pixel_format */
    int32_t width, height;
    int32_t mip_count;      /* full chain */
    int32_t face_count;     /* 1, or 6 for a cubemap */
    const uint8_t* data;    /* face-major, then level; tightly packed; valid until stx_request_release */
    uint64_t size;          /* bytes at data */
    int32_t cache_hit;      /* 1 when the texture came from a cache tier */
} stx_pixels;

/* Any thread. */
uint32_t stx_abi_version(void);

/* Any thread: the last error of this thread, UTF-8, "" when none. */
const char* stx_last_error(void);

/* Any thread, but not the render thread: loads the model (can take seconds). */
stx_status stx_context_create(const stx_context_desc* desc, stx_context** out_context);

/* Any thread, once per context; requests still open are cancelled and become invalid. */
stx_status stx_context_destroy(stx_context* context);

/* Any thread: starts a request (never blocks on inference). */
stx_status stx_request_texture(stx_context* context, const stx_texture_settings* settings, stx_request** out_request);

/* The engine's main thread, once per frame: delivers finished requests within the budget. */
stx_status stx_pump(stx_context* context, uint32_t budget_microseconds, uint32_t* out_delivered);

/* Any thread: state and progress (0..1) of a request. Results appear after the stx_pump that delivers them. */
stx_status stx_request_poll(stx_request* request, uint32_t* out_state, float* out_progress);

/* Any thread, once the state is DONE: the pixels. Returns the request's error when it FAILED. */
stx_status stx_request_get_pixels(stx_request* request, stx_pixels* out_pixels);

/* Any thread: stops a queued request at once, a running one between steps. */
stx_status stx_request_cancel(stx_request* request);

/* Any thread, once per request: frees it and its pixels. */
stx_status stx_request_release(stx_request* request);

/* Unity native-plugin entry points (Unity calls these; other hosts need not). */
void UnityPluginLoad(void* unity_interfaces);
void UnityPluginUnload(void);

/* For GL.IssuePluginEvent / CommandBuffer.IssuePluginEvent: runs main-thread delivery (stx_pump with the
   event id as the budget in microseconds) for every live context on the render thread. */
typedef void (*stx_render_event_func)(int32_t event_id);
stx_render_event_func stx_get_render_event_func(void);

#ifdef __cplusplus
}
#endif

#endif /* SEEDTEX_H */

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
 * GPU results: a host that attaches its Vulkan device (stx_context_attach_vulkan, or Unity's IUnityGraphicsVulkan
 * picked up by UnityPluginLoad) gets each result as a VkImage + VkImageView in SHADER_READ_ONLY_OPTIMAL, with its
 * mips (and six faces for a cubemap), created on the host's device. The library submits to the host's queue only
 * inside stx_pump (and the render-event callback, which runs stx_pump), on the thread that calls it, so the
 * host's own queue discipline covers it; the upload is submitted in one stx_pump and the request becomes DONE in
 * a later one once the GPU has finished it, so stx_pump never waits on the GPU. CPU pixels stay available too.
 */
#ifndef SEEDTEX_H
#define SEEDTEX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STX_ABI_VERSION 4u

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
    STX_ERROR_GPU = -10,              /* a Vulkan call failed, or the device lacks what a call needs */
    STX_ERROR_NOT_AVAILABLE = -11,    /* asked for something this request or context does not have (e.g. a GPU
                                         texture without an attached device, a preview before the first one) */
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
/* What a request returns: the colour texture, or a PBR map derived from it (RGBA8 UNORM, linear data, with mips;
   cached under the colour texture's key, so asking for the albedo and its maps runs the model once). */
enum { STX_OUTPUT_ALBEDO = 0, STX_OUTPUT_NORMAL = 1, STX_OUTPUT_HEIGHT = 2, STX_OUTPUT_ROUGHNESS = 3, STX_OUTPUT_AO = 4 };

/* A normal map's green channel: +Y (OpenGL: Unity, Godot, Blender) or -Y (DirectX: Unreal, 3ds Max). */
enum { STX_NORMAL_OPENGL = 0, STX_NORMAL_DIRECTX = 1 };

typedef struct stx_context stx_context;
typedef struct stx_request stx_request;

typedef struct stx_context_desc {
    uint32_t struct_size;      /* sizeof(stx_context_desc) */
    const char* model_folder;  /* UTF-8, diffusers ONNX layout; NULL = models/seedtex-tiny beside the library */
    const char* cache_folder;  /* UTF-8, required: the local disk cache */
    int32_t threads;           /* ONNX Runtime threads; 0 = all cores but one (the engine keeps a core), at least 1 */
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
    int32_t cube_face_size;        /* STX_KIND_BACKDROP only: 0 = the 2:1 panorama; a power of two 16..4096 = a
                                      cubemap with that face size (six faces, mips), made from the panorama */
    int32_t preview_every;         /* 0 = no previews; N = a cheap latent preview every N steps (stx_request_get_preview) */
    uint32_t output;               /* STX_OUTPUT_*; a map is STX_KIND_TEXTURE only */
    uint32_t normal_convention;    /* STX_OUTPUT_NORMAL only: STX_NORMAL_OPENGL or STX_NORMAL_DIRECTX (ABI 4) */
    float normal_strength;         /* STX_OUTPUT_NORMAL only: 0 = 2 (the default); larger is steeper, up to 64 (ABI 4) */
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

/* Handles as Vulkan defines them: dispatchable handles are pointers, the others 64-bit values. */
typedef struct stx_vulkan_device {
    uint32_t struct_size;                   /* sizeof(stx_vulkan_device) */
    uint32_t api_version;                   /* VK_MAKE_API_VERSION the host created its instance with; 0 = 1.1 */
    void* instance;                         /* VkInstance */
    void* physical_device;                  /* VkPhysicalDevice */
    void* device;                           /* VkDevice */
    void* queue;                            /* VkQueue the library may submit to (from stx_pump only) */
    uint32_t queue_family_index;            /* family of queue; must support graphics or compute */
    uint32_t enabled_extension_count;       /* device extensions the host enabled (optional ones are used only if listed) */
    const char* const* enabled_extensions;  /* UTF-8 names, or NULL when the count is 0 */
    void* get_instance_proc_addr;           /* PFN_vkGetInstanceProcAddr; every other entry point comes through it */
} stx_vulkan_device;

typedef struct stx_gpu_texture {
    uint32_t struct_size;   /* sizeof(stx_gpu_texture) */
    uint32_t format;        /* VkFormat of image_view (R8G8B8A8_SRGB, R8G8B8A8_UNORM or R16G16B16A16_SFLOAT) */
    uint64_t image;         /* VkImage on the host's device; owned by the request, valid until stx_request_release */
    uint64_t image_view;    /* VkImageView over every mip (VK_IMAGE_VIEW_TYPE_2D, or _CUBE for six faces) */
    uint32_t layout;        /* VkImageLayout the image is in: VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL */
    int32_t width, height;
    int32_t mip_count;
    int32_t is_cube;        /* 1 for a cubemap (six array layers, +X -X +Y -Y +Z -Z) */
    int32_t cache_hit;
} stx_gpu_texture;

/* Any thread. */
uint32_t stx_abi_version(void);

/* Any thread: the last error of this thread, UTF-8, "" when none. */
const char* stx_last_error(void);

/* Any thread, but not the render thread: loads the model (can take seconds). */
stx_status stx_context_create(const stx_context_desc* desc, stx_context** out_context);

/* Any thread, once per context; requests still open are cancelled and become invalid. */
stx_status stx_context_destroy(stx_context* context);

/* The thread that calls stx_pump, before the first request: results of this context are then also created as
   VkImages on the host's device. The library never destroys the host's handles. Once per context. */
stx_status stx_context_attach_vulkan(stx_context* context, const stx_vulkan_device* device);

/* Any thread: starts a request (never blocks on inference). */
stx_status stx_request_texture(stx_context* context, const stx_texture_settings* settings, stx_request** out_request);

/* The engine's main thread, once per frame: delivers finished requests within the budget. */
stx_status stx_pump(stx_context* context, uint32_t budget_microseconds, uint32_t* out_delivered);

/* Any thread: state and progress (0..1) of a request. Results appear after the stx_pump that delivers them. */
stx_status stx_request_poll(stx_request* request, uint32_t* out_state, float* out_progress);

/* Any thread, once the state is DONE: the pixels. Returns the request's error when it FAILED. */
stx_status stx_request_get_pixels(stx_request* request, stx_pixels* out_pixels);

/* Any thread, once the state is DONE, for a context with an attached device: the GPU texture. The host must not
   use it after stx_request_release, so release only once the frames that sample it have finished on the GPU. */
stx_status stx_request_get_texture(stx_request* request, stx_gpu_texture* out_texture);

/* Any thread, while WAITING (or after): the latest latent preview (RGBA8 sRGB, the latent's size, 1 mip), a
   cheap linear latent-to-RGB approximation without the VAE. STX_ERROR_NOT_AVAILABLE before the first one or when
   preview_every was 0. The pixels stay valid until the next call of this function or stx_request_release. */
stx_status stx_request_get_preview(stx_request* request, stx_pixels* out_pixels);

/* Any thread: stops a queued request at once, a running one between steps. */
stx_status stx_request_cancel(stx_request* request);

/* Any thread, once per request: frees it and its pixels. */
stx_status stx_request_release(stx_request* request);

/* Unity native-plugin entry points (Unity calls these; other hosts need not). When Unity runs on Vulkan, every
   context created after UnityPluginLoad attaches Unity's device (IUnityGraphicsVulkan::Instance) by itself. */
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

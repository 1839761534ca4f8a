using Seedtex.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>What to create: the same fields a <see cref="TextureData"/> carries, plus whether another device may import it.</summary>
public sealed record GpuTextureDescription(PixelFormat Format, int Width, int Height, int MipLevels = 1, bool Cubemap = false, bool Exportable = false)
{
    public int Layers => Cubemap ? 6 : 1;

    internal void Validate()
    {
        if (Width <= 0 || Height <= 0)
            throw SeedtexException.Argument($"texture size {Width}x{Height} must be positive");
        if (MipLevels < 1 || MipLevels > TextureData.FullMipCount(Width, Height))
            throw SeedtexException.Argument($"mip count {MipLevels} must be between 1 and {TextureData.FullMipCount(Width, Height)} for {Width}x{Height}");
        if (Cubemap && Width != Height)
            throw SeedtexException.Argument($"cubemap faces must be square, not {Width}x{Height}");
    }
}

/// <summary>
/// A sampled image in the context's device. The image is created in its storage format (8-bit colour as UNORM,
/// because lavapipe and many GPUs cannot write _SRGB images from compute) with MUTABLE_FORMAT, and
/// <see cref="SampledView"/> reads it as <see cref="SampledFormat"/> (R8G8B8A8_SRGB for colour), so the hardware
/// decodes sRGB when the engine samples it. An engine that makes its own view should use <see cref="SampledFormat"/>.
/// <see cref="Layout"/> is the layout after the last recorded Seedtex operation (SHADER_READ_ONLY_OPTIMAL after conversions).
/// </summary>
public sealed unsafe class GpuTexture : IDisposable
{
    private readonly GpuContext _context;
    private readonly Dictionary<(int Level, bool Arrayed), ImageView> _storageViews = [];
    private bool _disposed;

    private GpuTexture(GpuContext context, GpuTextureDescription description, Image image, DeviceMemory memory, ulong allocationSize, bool ownsImage = true)
    {
        _context = context;
        OwnsImage = ownsImage;
        Description = description;
        Image = image;
        Memory = memory;
        AllocationSize = allocationSize;
        StorageFormat = StorageFormatOf(description.Format);
        SampledFormat = description.Format == PixelFormat.Rgba8Srgb ? Silk.NET.Vulkan.Format.R8G8B8A8Srgb : StorageFormat;
        SampledView = CreateView(SampledFormat, description.Cubemap ? ImageViewType.TypeCube : ImageViewType.Type2D, 0, (uint)description.MipLevels);
    }

    public GpuTextureDescription Description { get; }
    public PixelFormat Format => Description.Format;
    public int Width => Description.Width;
    public int Height => Description.Height;
    public int MipLevels => Description.MipLevels;
    public bool IsCubemap => Description.Cubemap;
    public Image Image { get; }
    /// <summary>View for sampling: all mips, cube or 2D, in <see cref="SampledFormat"/>.</summary>
    public ImageView SampledView { get; }
    /// <summary>The VkImage's own format (what compute shaders write).</summary>
    public Format StorageFormat { get; }
    /// <summary>The format to sample with: R8G8B8A8_SRGB for sRGB colour, else the storage format.</summary>
    public Format SampledFormat { get; }
    /// <remarks>A host that changes the layout outside Seedtex (or records Seedtex work it has not run yet) sets it here.</remarks>
    public ImageLayout Layout { get; set; } = ImageLayout.Undefined;
    /// <summary>False for a host's image wrapped with <see cref="Wrap"/>: disposal then destroys only Seedtex's views.</summary>
    public bool OwnsImage { get; }
    internal DeviceMemory Memory { get; }
    internal ulong AllocationSize { get; }
    internal GpuContext Context => _context;

    public static GpuTexture Create(GpuContext context, GpuTextureDescription description)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (description.Exportable)
            context.DeviceFunction(GpuContext.ExternalMemoryFdExtension, "vkGetMemoryFdKHR");
        var external = new ExternalMemoryImageCreateInfo { SType = StructureType.ExternalMemoryImageCreateInfo, HandleTypes = ExternalMemoryHandleTypeFlags.OpaqueFDBit };
        var image = CreateImage(context, description, description.Exportable ? &external : null);
        var export = new ExportMemoryAllocateInfo { SType = StructureType.ExportMemoryAllocateInfo, HandleTypes = ExternalMemoryHandleTypeFlags.OpaqueFDBit };
        return Bind(context, description, image, description.Exportable ? &export : null, 0);
    }

    /// <summary>
    /// Lets Seedtex write into an image the host created and owns (for example the VkImage behind an engine texture),
    /// currently in <paramref name="currentLayout"/>. The image must match <paramref name="description"/>, be created
    /// with STORAGE and SAMPLED usage in <see cref="StorageFormatOf"/> format (plus MUTABLE_FORMAT for Rgba8Srgb).
    /// Disposing the result destroys only the views Seedtex made; the image and its memory stay the host's.
    /// </summary>
    public static GpuTexture Wrap(GpuContext context, Image image, GpuTextureDescription description, ImageLayout currentLayout)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (image.Handle == 0)
            throw SeedtexException.Argument("the host image handle is null");
        return new GpuTexture(context, description, image, default, 0, ownsImage: false) { Layout = currentLayout };
    }

    /// <summary>
    /// Creates an image over memory another device or process exported (<see cref="SharedTexture"/>). The
    /// description and allocation size must be the exporter's; the driver takes ownership of <paramref name="fd"/>.
    /// </summary>
    internal static GpuTexture ImportOpaqueFd(GpuContext context, GpuTextureDescription description, int fd, ulong allocationSize)
    {
        context.DeviceFunction(GpuContext.ExternalMemoryFdExtension, "vkGetMemoryFdKHR");
        description.Validate();
        var external = new ExternalMemoryImageCreateInfo { SType = StructureType.ExternalMemoryImageCreateInfo, HandleTypes = ExternalMemoryHandleTypeFlags.OpaqueFDBit };
        var image = CreateImage(context, description, &external);
        var import = new ImportMemoryFdInfoKHR { SType = StructureType.ImportMemoryFDInfoKhr, HandleType = ExternalMemoryHandleTypeFlags.OpaqueFDBit, Fd = fd };
        return Bind(context, description, image, &import, allocationSize);
    }

    /// <summary>Format of the image itself for a pixel format.</summary>
    public static Format StorageFormatOf(PixelFormat format) => format switch
    {
        PixelFormat.Rgba8Srgb or PixelFormat.Rgba8Unorm => Silk.NET.Vulkan.Format.R8G8B8A8Unorm,
        PixelFormat.Rgba16Float => Silk.NET.Vulkan.Format.R16G16B16A16Sfloat,
        PixelFormat.Rgba32Float => Silk.NET.Vulkan.Format.R32G32B32A32Sfloat,
        _ => throw SeedtexException.Argument($"no GPU format for {format}"),
    };

    /// <summary>A storage view of one mip level (all layers when <paramref name="arrayed"/>), created once and kept.</summary>
    internal ImageView StorageView(int level, bool arrayed)
    {
        if (!_storageViews.TryGetValue((level, arrayed), out var view))
        {
            view = CreateView(StorageFormat, arrayed ? ImageViewType.Type2DArray : ImageViewType.Type2D, (uint)level, 1, arrayed ? (uint)Description.Layers : 1);
            _storageViews[(level, arrayed)] = view;
        }
        return view;
    }

    internal ImageSubresourceRange Range(int baseLevel = 0, int levelCount = -1) => new()
    {
        AspectMask = ImageAspectFlags.ColorBit,
        BaseMipLevel = (uint)baseLevel,
        LevelCount = levelCount < 0 ? (uint)(MipLevels - baseLevel) : (uint)levelCount,
        BaseArrayLayer = 0,
        LayerCount = (uint)Description.Layers,
    };

    /// <summary>Records a layout transition of the whole image (or some levels) and updates <see cref="Layout"/> when whole.</summary>
    internal void RecordBarrier(CommandBuffer commandBuffer, ImageLayout from, ImageLayout to,
        PipelineStageFlags srcStage, AccessFlags srcAccess, PipelineStageFlags dstStage, AccessFlags dstAccess,
        int baseLevel = 0, int levelCount = -1, uint srcFamily = Vk.QueueFamilyIgnored, uint dstFamily = Vk.QueueFamilyIgnored)
    {
        var barrier = new ImageMemoryBarrier
        {
            SType = StructureType.ImageMemoryBarrier,
            SrcAccessMask = srcAccess,
            DstAccessMask = dstAccess,
            OldLayout = from,
            NewLayout = to,
            SrcQueueFamilyIndex = srcFamily,
            DstQueueFamilyIndex = dstFamily,
            Image = Image,
            SubresourceRange = Range(baseLevel, levelCount),
        };
        _context.Vk.CmdPipelineBarrier(commandBuffer, srcStage, dstStage, 0, 0, null, 0, null, 1, &barrier);
        if (baseLevel == 0 && (levelCount < 0 || levelCount == MipLevels))
            Layout = to;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        var vk = _context.Vk;
        foreach (var view in _storageViews.Values)
            vk.DestroyImageView(_context.Device, view, null);
        vk.DestroyImageView(_context.Device, SampledView, null);
        if (!OwnsImage)
            return;
        vk.DestroyImage(_context.Device, Image, null);
        vk.FreeMemory(_context.Device, Memory, null);
    }

    private ImageView CreateView(Format format, ImageViewType type, uint baseLevel, uint levelCount, uint layerCount = 0)
    {
        // A view in a format that cannot be stored to (R8G8B8A8_SRGB) must not inherit the image's storage usage.
        var usage = new ImageViewUsageCreateInfo { SType = StructureType.ImageViewUsageCreateInfo, Usage = ImageUsageFlags.SampledBit | ImageUsageFlags.TransferSrcBit };
        var info = new ImageViewCreateInfo
        {
            SType = StructureType.ImageViewCreateInfo,
            PNext = format != StorageFormat ? &usage : null,
            Image = Image,
            ViewType = type,
            Format = format,
            SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, baseLevel, levelCount, 0, layerCount == 0 ? (uint)Description.Layers : layerCount),
        };
        ImageView view;
        _context.Vk.CreateImageView(_context.Device, &info, null, &view).Check("vkCreateImageView");
        return view;
    }

    private static Image CreateImage(GpuContext context, GpuTextureDescription description, void* next)
    {
        var storage = StorageFormatOf(description.Format);
        var formats = stackalloc Format[] { storage, Silk.NET.Vulkan.Format.R8G8B8A8Srgb };
        bool mutable = description.Format == PixelFormat.Rgba8Srgb;
        // The format list lets drivers keep compression for the two views; it is core only from Vulkan 1.2.
        var formatList = new ImageFormatListCreateInfo { SType = StructureType.ImageFormatListCreateInfo, PNext = next, ViewFormatCount = 2, PViewFormats = formats };
        var info = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo,
            PNext = mutable && context.ApiVersion >= Vk.Version12 ? &formatList : next,
            Flags = (mutable ? ImageCreateFlags.CreateMutableFormatBit : 0) | (description.Cubemap ? ImageCreateFlags.CreateCubeCompatibleBit : 0),
            ImageType = ImageType.Type2D,
            Format = storage,
            Extent = new Extent3D((uint)description.Width, (uint)description.Height, 1),
            MipLevels = (uint)description.MipLevels,
            ArrayLayers = (uint)description.Layers,
            Samples = SampleCountFlags.Count1Bit,
            Tiling = ImageTiling.Optimal,
            Usage = ImageUsageFlags.StorageBit | ImageUsageFlags.SampledBit | ImageUsageFlags.TransferSrcBit | ImageUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
            InitialLayout = ImageLayout.Undefined,
        };
        Image image;
        context.Vk.CreateImage(context.Device, &info, null, &image).Check("vkCreateImage");
        return image;
    }

    private static GpuTexture Bind(GpuContext context, GpuTextureDescription description, Image image, void* allocateNext, ulong importSize)
    {
        var vk = context.Vk;
        var memory = default(DeviceMemory);
        try
        {
            vk.GetImageMemoryRequirements(context.Device, image, out var requirements);
            // Shared images get a dedicated allocation: importers on other devices need one allocation per image.
            var dedicated = new MemoryDedicatedAllocateInfo { SType = StructureType.MemoryDedicatedAllocateInfo, PNext = allocateNext, Image = image };
            ulong size = importSize != 0 ? importSize : requirements.Size;
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                PNext = allocateNext != null ? &dedicated : null,
                AllocationSize = size,
                MemoryTypeIndex = context.FindMemoryType(requirements.MemoryTypeBits, 0, MemoryPropertyFlags.DeviceLocalBit),
            };
            vk.AllocateMemory(context.Device, &allocate, null, &memory).Check(importSize != 0 ? "vkAllocateMemory (fd import)" : "vkAllocateMemory");
            vk.BindImageMemory(context.Device, image, memory, 0).Check("vkBindImageMemory");
            return new GpuTexture(context, description, image, memory, size);
        }
        catch
        {
            vk.DestroyImage(context.Device, image, null);
            if (memory.Handle != 0)
                vk.FreeMemory(context.Device, memory, null);
            throw;
        }
    }
}

namespace Seedtex.Core;

/// <summary>What went wrong, in a form a caller (CLI exit code, C ABI status) can switch on.</summary>
public enum SeedtexErrorKind
{
    /// <summary>A request or option is out of range or malformed. The message names it and the valid range.</summary>
    InvalidArgument = 1,
    /// <summary>A model folder is missing a file, has a broken file, or its graphs don't fit the pipeline.</summary>
    InvalidModel = 2,
    /// <summary>An input or output file could not be read or written.</summary>
    Io = 3,
    /// <summary>Stored data (cache entry, pack, image) failed a check.</summary>
    Corrupt = 4,
    /// <summary>The GPU layer could not do what was asked.</summary>
    Gpu = 5,
    /// <summary>The inference runtime failed.</summary>
    Inference = 6,
}

/// <summary>
/// The one exception type Seedtex throws for problems a user can fix. The message names the problem
/// and the fix; <see cref="Kind"/> lets callers map it to an exit code or status without parsing text.
/// </summary>
public sealed class SeedtexException : Exception
{
    public SeedtexException(SeedtexErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public SeedtexErrorKind Kind { get; }

    public static SeedtexException Argument(string message) => new(SeedtexErrorKind.InvalidArgument, message);

    public static SeedtexException Model(string message, Exception? inner = null) => new(SeedtexErrorKind.InvalidModel, message, inner);
}

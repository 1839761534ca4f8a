namespace Seedtex.Cli;

/// <summary>Process exit codes: scripts and the bake step tell bad input from a failed run by these.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A run that failed for a reason other than the input (inference error, I/O failure mid-run).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: an option, a model folder, an input file or an output path. Nothing was written.</summary>
    public const int BadInput = 2;
    /// <summary>Cancelled by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}

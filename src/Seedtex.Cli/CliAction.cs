using Seedtex.Core;

namespace Seedtex.Cli;

/// <summary>Runs a command body and turns every failure into a one-line message and an exit code.</summary>
public static class CliAction
{
    public static async Task<int> RunAsync(Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled; nothing was written").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (SeedtexException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.Kind is SeedtexErrorKind.InvalidArgument or SeedtexErrorKind.InvalidModel or SeedtexErrorKind.Io
                ? ExitCodes.BadInput
                : ExitCodes.Failed;
        }
    }
}

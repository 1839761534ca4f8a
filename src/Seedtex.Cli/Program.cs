using System.CommandLine;
using Seedtex.Cli;

var root = new RootCommand("seedtex: prompt-to-texture generation for game engines, with a seeded cache")
{
    GenerateCommand.Create(),
    BackdropCommand.Create(),
    ModelsCommand.Create(),
    BenchCommand.Create(),
    CacheCommands.Create(),
    BakeCommand.Create(ModelOptions.OpenGenerator),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("run `seedtex --help` (or `seedtex COMMAND --help`) for usage");
    return ExitCodes.BadInput;
}

// Ctrl+C (SIGINT) and SIGTERM cancel the running command, which stops between steps and cleans up; the process is
// not torn down under it, so no temp file or half-written output is left behind.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);

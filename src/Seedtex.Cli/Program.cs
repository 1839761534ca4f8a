using System.CommandLine;
using Seedtex.Cli;

var root = new RootCommand("seedtex: prompt-to-texture generation for game engines, with a seeded cache")
{
    GenerateCommand.Create(),
    ModelsCommand.Create(),
    BenchCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("run `seedtex --help` (or `seedtex COMMAND --help`) for usage");
    return ExitCodes.BadInput;
}
return await parse.InvokeAsync();

using System.CommandLine;

namespace Seedtex.Cli;

/// <summary>`seedtex models info DIR`: what a model folder is, as the pipeline sees it.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "model folder (default: the embedded seedtex-tiny)", Arity = ArgumentArity.ZeroOrOne };
        var model = new ModelOptions();
        var info = new Command("info", "print a model's family, precision, inputs and outputs, and content fingerprint") { folder };
        info.Options.Add(model.Providers);
        info.Options.Add(model.Threads);
        info.SetAction((parse, ct) => CliAction.RunAsync(async () =>
        {
            using var models = await model.LoadAsync(parse, ct, parse.GetValue(folder)).ConfigureAwait(false);
            Console.WriteLine(models.Describe());
            return ExitCodes.Ok;
        }, ct));
        return new Command("models", "inspect models") { info };
    }
}

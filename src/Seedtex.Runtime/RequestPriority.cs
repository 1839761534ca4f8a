namespace Seedtex.Runtime;

/// <summary>Who is waiting: an artist in the editor comes first, then a running game, then the bake step.</summary>
public enum RequestPriority
{
    Interactive = 0,
    Runtime = 1,
    Bake = 2,
}

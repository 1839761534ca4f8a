namespace Seedtex.Diffusion;

/// <summary>What <see cref="ClipTokenizer.Tokenize"/> does with a prompt longer than one CLIP window
/// (<see cref="ClipTokenizer.MaxLength"/> − 2 content tokens, 75 for Stable Diffusion).</summary>
public enum LongPromptPolicy
{
    /// <summary>
    /// Keep the first window's worth of content tokens and drop the rest, as diffusers and the original
    /// CLIP do. <see cref="TokenizedPrompt.Truncated"/> is set so the caller can warn that part of the
    /// prompt had no effect.
    /// </summary>
    Truncate,

    /// <summary>
    /// Split the content tokens into consecutive windows of up to 75, each laid out like a normal
    /// prompt (start token, tokens, end token, padding). The caller runs the text encoder once per window
    /// and concatenates the windows' hidden states along the sequence axis (77·k tokens), the way
    /// AUTOMATIC1111's web UI and OnnxStack handle long prompts. The split is a plain cut every 75 tokens;
    /// A1111's habit of moving the cut back to a nearby comma is not copied.
    /// </summary>
    Chunk,
}

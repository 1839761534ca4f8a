namespace Seedtex.Diffusion;

/// <summary>Settings a tokenizer folder's JSON files normally supply; <see cref="ClipTokenizer.Load"/> fills them in.</summary>
public sealed record ClipTokenizerOptions
{
    /// <summary>The padding token's text. Null means <c>&lt;|endoftext|&gt;</c> (Stable Diffusion 1.x);
    /// Stable Diffusion 2.x pads with <c>"!"</c>.</summary>
    public string? PadToken { get; init; }

    /// <summary>Ids per window, start and end token included (CLIP's context length).</summary>
    public int MaxLength { get; init; } = ClipTokenizer.DefaultMaxLength;

    /// <summary>
    /// Apply the part of ftfy.fix_text that changes tokens in ordinary prompts before CLIP's own cleanup:
    /// Latin ligatures (U+FB00–FB06) spelled out, fullwidth ASCII and the ideographic space narrowed,
    /// curly quotes straightened. OpenAI's CLIP and HF's CLIPTokenizer run the full ftfy when it is installed;
    /// its mojibake repair and NFC normalisation are not reproduced here.
    /// </summary>
    public bool FixText { get; init; } = true;

    /// <summary>
    /// Decode HTML character references ("&amp;amp;" → "&amp;") twice, as OpenAI's CLIP does. Hugging Face's
    /// CLIPTokenizer skips this step (unless ftfy does it), so turn it off to match a pipeline built on it
    /// for prompts that contain '&amp;'.
    /// </summary>
    public bool DecodeHtmlEntities { get; init; } = true;
}

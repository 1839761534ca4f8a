"""Noise schedule and sampler, the same formulas as diffusers' EulerDiscreteScheduler
(scaled_linear betas, v_prediction, trailing timestep spacing), so the recipe's own samples
match what the C# pipeline makes from scheduler_config.json."""
import torch

TRAIN_STEPS = 1000
BETA_START, BETA_END = 0.00085, 0.012
PREDICTION = "v_prediction"
SPACING = "trailing"


def alphas_cumprod():
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, TRAIN_STEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, 0)


AC = alphas_cumprod()


def v_target(x0, noise, t):
    """Noisy input and v target for integer timesteps t [B]."""
    a = AC[t].float().sqrt().view(-1, 1, 1, 1)
    s = (1 - AC[t]).float().sqrt().view(-1, 1, 1, 1)
    return a * x0 + s * noise, a * noise - s * x0


def min_snr_weight(t, gamma):
    """Loss weight on the v loss: min(SNR + 1, gamma) / (SNR + 1). In x0 terms the v loss weighs
    SNR + 1; capping it at gamma (Min-SNR, Hang et al. 2023) stops the easy low-noise steps from
    dominating the gradient, while the high-noise steps that set layout and colour keep weight 1."""
    if gamma <= 0:
        return torch.ones(len(t))
    snr1 = (AC[t] / (1 - AC[t])).float() + 1
    return snr1.clamp(max=gamma) / snr1


def image_variance(x0):
    """Each latent's spatial variance, averaged over its channels: [N, C, H, W] -> [N]."""
    return x0.var(dim=(2, 3)).mean(1)


def contrast_weight(x0, ref_var):
    """Per-image loss weight sqrt(ref / (var + ref / 20)): the v loss scales with the latent's own
    variance, so a faint weave or wood grain (latent variance ~1/50 of lava's) barely moved the
    gradient and came out flat. The square root and the floor keep high-contrast images in play."""
    return (ref_var / (image_variance(x0) + ref_var / 20)).sqrt()


def euler_schedule(steps):
    """Timesteps and sigmas for `steps` Euler steps with trailing spacing (diffusers' formulas)."""
    ratio = TRAIN_STEPS / steps
    ts = (torch.arange(TRAIN_STEPS, 0, -ratio, dtype=torch.float64).round() - 1)
    sig_all = ((1 - AC) / AC).sqrt()
    sigmas = torch.from_numpy(__import__("numpy").interp(ts.numpy(), range(TRAIN_STEPS), sig_all.numpy()))
    return ts.float(), torch.cat([sigmas, torch.zeros(1, dtype=torch.float64)]).float()


@torch.no_grad()
def sample(unet, cond, uncond, noise, steps=8, guidance=3.0):
    """Euler sampling with classifier-free guidance. noise ~ N(0, 1) latents [B, 4, h, w]."""
    ts, sigmas = euler_schedule(steps)
    x = noise * sigmas.max()                      # init_noise_sigma for trailing spacing
    ctx = torch.cat([uncond, cond]) if guidance != 1.0 else cond
    for i, t in enumerate(ts):
        s = sigmas[i]
        inp = x / (s ** 2 + 1) ** 0.5
        if guidance != 1.0:
            out = unet(torch.cat([inp, inp]), t.view(1), ctx)
            u, c = out.chunk(2)
            out = u + guidance * (c - u)
        else:
            out = unet(inp, t.view(1), ctx)
        x0 = out * (-s / (s ** 2 + 1) ** 0.5) + x / (s ** 2 + 1)
        x = x + (x - x0) / s * (sigmas[i + 1] - s)
    return x

#!/usr/bin/env -S /usr/bin/python3
"""Reference trajectories for Seedtex's schedulers, from a separate implementation of the published formulas.

Run by hand with Debian's torch (not in CI; diffusers is not needed and not used):
    /usr/bin/python3 tests/reference/make_scheduler_reference.py
Writes tests/Seedtex.Diffusion.Tests/TestData/schedulers.json.

Each scheduler below is written from the papers' update rules with diffusers' conventions (timestep spacing,
sigma interpolation, dtype of each quantity: float32 tensors, numpy float64 where diffusers uses numpy) so that
the C# code can be checked against numbers it did not produce. A deterministic fake UNet stands in for the model:
    model_output[k] = 0.1 * x[k] + float32(0.05 * sin(0.01 * t + 0.37 * k))     (x = the scaled model input)
check_reference_against_diffusers.py replays the written cases through diffusers' own scheduler classes.
The starting latent is torch.randn(shape, generator) * init_noise_sigma with generator =
torch.Generator().manual_seed(seed), and the same generator feeds every stochastic step, as diffusers does.
"""
import json
import math
import os

import numpy as np
import torch

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Seedtex.Diffusion.Tests", "TestData", "schedulers.json")
SHAPE = (2, 4, 4, 4)
NUMEL = 2 * 4 * 4 * 4

SD_CONFIG = {
    "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
    "prediction_type": "epsilon", "timestep_spacing": "leading", "steps_offset": 1, "set_alpha_to_one": False,
    "clip_sample": False, "clip_sample_range": 1.0, "original_inference_steps": 50, "timestep_scaling": 10.0,
}


# ---------------------------------------------------------------- training schedule

def alphas_cumprod(cfg):
    n = cfg["num_train_timesteps"]
    if cfg["beta_schedule"] == "linear":
        betas = torch.linspace(cfg["beta_start"], cfg["beta_end"], n, dtype=torch.float32)
    else:
        betas = torch.linspace(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, n, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def spaced_timesteps(cfg, steps, round_linspace):
    """Descending timesteps for leading / trailing / linspace spacing (numpy float64, then the caller's dtype)."""
    n = cfg["num_train_timesteps"]
    spacing = cfg["timestep_spacing"]
    if spacing == "leading":
        ratio = n // steps
        return (np.arange(0, steps) * ratio).round()[::-1].astype(np.float64) + cfg["steps_offset"]
    if spacing == "trailing":
        return np.round(np.arange(n, 0, -n / steps)) - 1
    if spacing == "linspace":
        values = np.linspace(0, n - 1, steps)
        return (values.round() if round_linspace else values.astype(np.float32).astype(np.float64))[::-1].copy()
    raise ValueError(spacing)


def pred_x0_alpha(cfg, out, x, alpha_prod):
    a, b = alpha_prod ** 0.5, (1 - alpha_prod) ** 0.5
    kind = cfg["prediction_type"]
    if kind == "epsilon":
        x0 = (x - b * out) / a
    elif kind == "v_prediction":
        x0 = a * x - b * out
    else:
        x0 = out
    if cfg["clip_sample"]:
        x0 = x0.clamp(-cfg["clip_sample_range"], cfg["clip_sample_range"])
    return x0


# ---------------------------------------------------------------- Euler family (k-diffusion sigma form)

class EulerFamily:
    def __init__(self, cfg, ancestral):
        self.cfg, self.ancestral = cfg, ancestral
        self.ac = alphas_cumprod(cfg)

    def set_timesteps(self, steps):
        table = (((1 - self.ac) / self.ac) ** 0.5).numpy()
        ts = spaced_timesteps(self.cfg, steps, round_linspace=False).astype(np.float32)
        sig = np.interp(ts, np.arange(0, len(table)), table)
        self.sigmas = torch.from_numpy(np.concatenate([sig, [0.0]]).astype(np.float32))
        self.timesteps = torch.from_numpy(ts)

    def init_noise_sigma(self):
        m = self.sigmas.max()
        return m if self.cfg["timestep_spacing"] in ("linspace", "trailing") else (m ** 2 + 1) ** 0.5

    def scale(self, x, i):
        return x / ((self.sigmas[i] ** 2 + 1) ** 0.5)

    def x0(self, out, x, sigma):
        kind = self.cfg["prediction_type"]
        if kind == "epsilon":
            return x - sigma * out
        if kind == "v_prediction":
            return out * (-sigma / (sigma ** 2 + 1) ** 0.5) + (x / (sigma ** 2 + 1))
        return out

    def step(self, out, i, x, gen):
        s_from, s_to = self.sigmas[i], self.sigmas[i + 1]
        d = (x - self.x0(out, x, s_from)) / s_from
        if not self.ancestral:
            return x + d * (s_to - s_from)
        s_up = (s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2) ** 0.5
        s_down = (s_to ** 2 - s_up ** 2) ** 0.5
        x = x + d * (s_down - s_from)
        return x + torch.randn(x.shape, generator=gen) * s_up

    def add_noise(self, x0, noise, i):
        return x0 + noise * self.sigmas[i]


# ---------------------------------------------------------------- DDIM (eta = 0)

class Ddim:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)
        self.final = torch.tensor(1.0) if cfg["set_alpha_to_one"] else self.ac[0]

    def set_timesteps(self, steps):
        self.steps = steps
        self.timesteps = torch.from_numpy(spaced_timesteps(self.cfg, steps, round_linspace=True).astype(np.int64))
        self.sigmas = None

    def init_noise_sigma(self):
        return torch.tensor(1.0)

    def scale(self, x, i):
        return x

    def step(self, out, i, x, gen):
        t = int(self.timesteps[i])
        prev = t - self.cfg["num_train_timesteps"] // self.steps
        a_t = self.ac[t]
        a_prev = self.ac[prev] if prev >= 0 else self.final
        b_t = 1 - a_t
        kind = self.cfg["prediction_type"]
        x0 = pred_x0_alpha(self.cfg, out, x, a_t)
        if kind == "epsilon":
            eps = out
        elif kind == "v_prediction":
            eps = a_t ** 0.5 * out + b_t ** 0.5 * x
        else:
            eps = (x - a_t ** 0.5 * out) / b_t ** 0.5
        return a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps

    def add_noise(self, x0, noise, i):
        a = self.ac[int(self.timesteps[i])]
        return a ** 0.5 * x0 + (1 - a) ** 0.5 * noise


# ---------------------------------------------------------------- DPM-Solver++(2M), Karras sigmas

class DpmPP2MKarras:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)

    def set_timesteps(self, steps):
        table = (((1 - self.ac) / self.ac) ** 0.5).numpy()
        log_table = np.log(table)
        s_min, s_max = float(table[0]), float(table[-1])
        ramp = np.linspace(0, 1, steps)
        rho = 7.0
        sig = (s_max ** (1 / rho) + ramp * (s_min ** (1 / rho) - s_max ** (1 / rho))) ** rho
        ts = []
        for s in sig:
            log_s = np.log(max(s, 1e-10))
            below = np.nonzero(log_table <= log_s)[0]
            lo = min(int(below[-1]) if len(below) else 0, len(log_table) - 2)
            w = np.clip((log_table[lo] - log_s) / (log_table[lo] - log_table[lo + 1]), 0, 1)
            ts.append((1 - w) * lo + w * (lo + 1))
        self.timesteps = torch.from_numpy(np.round(np.array(ts)).astype(np.int64))
        self.sigmas = torch.from_numpy(np.concatenate([sig, [0.0]]).astype(np.float32))
        self.history = None

    def init_noise_sigma(self):
        return torch.tensor(1.0)

    def scale(self, x, i):
        return x

    @staticmethod
    def alpha_sigma(s):
        a = 1 / ((s ** 2 + 1) ** 0.5)
        return a, s * a

    def step(self, out, i, x, gen):
        a_s0, s_s0 = self.alpha_sigma(self.sigmas[i])
        kind = self.cfg["prediction_type"]
        if kind == "epsilon":
            m0 = (x - s_s0 * out) / a_s0
        elif kind == "v_prediction":
            m0 = a_s0 * x - s_s0 * out
        else:
            m0 = out
        a_t, s_t = self.alpha_sigma(self.sigmas[i + 1])
        lam = lambda a, s: torch.log(a) - torch.log(s)
        h = lam(a_t, s_t) - lam(a_s0, s_s0)
        last = i == len(self.timesteps) - 1
        if self.history is None or last:
            x = (s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * m0
        else:
            a_s1, s_s1 = self.alpha_sigma(self.sigmas[i - 1])
            r0 = (lam(a_s0, s_s0) - lam(a_s1, s_s1)) / h
            d1 = (1.0 / r0) * (m0 - self.history)
            x = (s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * m0 - 0.5 * (a_t * (torch.exp(-h) - 1.0)) * d1
        self.history = m0
        return x

    def add_noise(self, x0, noise, i):
        a, s = self.alpha_sigma(self.sigmas[i])
        return a * x0 + s * noise


# ---------------------------------------------------------------- LCM

class Lcm:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)

    def set_timesteps(self, steps):
        orig = self.cfg["original_inference_steps"]
        k = self.cfg["num_train_timesteps"] // orig
        origin = (np.arange(1, orig + 1) * k - 1)[::-1]
        idx = np.floor(np.linspace(0, len(origin), num=steps, endpoint=False)).astype(np.int64)
        self.timesteps = torch.from_numpy(origin[idx].copy())
        self.sigmas = None

    def init_noise_sigma(self):
        return torch.tensor(1.0)

    def scale(self, x, i):
        return x

    def step(self, out, i, x, gen):
        t = int(self.timesteps[i])
        last = i == len(self.timesteps) - 1
        t_next = t if last else int(self.timesteps[i + 1])
        a_t, a_next = self.ac[t], self.ac[t_next]
        scaled = t * self.cfg["timestep_scaling"]
        c_skip = 0.25 / (scaled ** 2 + 0.25)
        c_out = scaled / (scaled ** 2 + 0.25) ** 0.5
        denoised = c_out * pred_x0_alpha(self.cfg, out, x, a_t) + c_skip * x
        if last:
            return denoised
        noise = torch.randn(x.shape, generator=gen)
        return a_next ** 0.5 * denoised + (1 - a_next) ** 0.5 * noise

    def add_noise(self, x0, noise, i):
        a = self.ac[int(self.timesteps[i])]
        return a ** 0.5 * x0 + (1 - a) ** 0.5 * noise


def make(name, cfg):
    return {
        "euler": lambda: EulerFamily(cfg, ancestral=False),
        "euler-a": lambda: EulerFamily(cfg, ancestral=True),
        "ddim": lambda: Ddim(cfg),
        "dpm++2m-karras": lambda: DpmPP2MKarras(cfg),
        "lcm": lambda: Lcm(cfg),
    }[name]()


# ---------------------------------------------------------------- runs

def fake_model(x, t):
    k = np.arange(NUMEL, dtype=np.float64)
    pattern = torch.from_numpy((0.05 * np.sin(0.01 * float(t) + 0.37 * k)).astype(np.float32)).reshape(SHAPE)
    return x * 0.1 + pattern


def source_latent():
    k = np.arange(NUMEL, dtype=np.float64)
    return torch.from_numpy((0.8 * np.cos(0.23 * k)).astype(np.float32)).reshape(SHAPE)


def floats(t):
    return [float("%.9g" % v) for v in t.reshape(-1).tolist()]


def run(name, overrides, steps, seed, strength=None, keep_every_step=None):
    cfg = dict(SD_CONFIG, **overrides)
    s = make(name, cfg)
    s.set_timesteps(steps)
    gen = torch.Generator().manual_seed(seed)
    start = 0
    if strength is None:
        x = torch.randn(SHAPE, generator=gen) * s.init_noise_sigma()
    else:
        start = max(steps - min(int(steps * strength), steps), 0)
        noise = torch.randn(SHAPE, generator=gen)
        x = s.add_noise(source_latent(), noise, start)
    case = {
        "scheduler": name, "config": overrides, "steps": steps, "seed": seed,
        "timesteps": [float(v) for v in s.timesteps.tolist()],
        "init_noise_sigma": float(s.init_noise_sigma()),
    }
    if s.sigmas is not None:
        case["sigmas"] = floats(s.sigmas)
    if strength is not None:
        case["strength"] = strength
        case["start_index"] = start
        case["noised_source"] = floats(x)
    every = keep_every_step if keep_every_step is not None else steps <= 4
    latents = []
    for i in range(start, steps):
        t = s.timesteps[i]
        out = fake_model(s.scale(x, i), t)
        x = s.step(out, i, x, gen)
        if every or i == steps - 1:
            latents.append({"step": i, "latent": floats(x)})
    case["latents"] = latents
    return case


def main():
    cases = []
    for name in ("euler", "euler-a", "ddim", "dpm++2m-karras", "lcm"):
        # DPM++ 2M Karras and LCM take no notice of timestep_spacing.
        spacings = ("leading", "trailing", "linspace") if name in ("euler", "euler-a", "ddim") else ("leading",)
        for spacing in spacings:
            for prediction in ("epsilon", "v_prediction"):
                for steps in (1, 2, 4, 8, 20):
                    cases.append(run(name, {"timestep_spacing": spacing, "prediction_type": prediction}, steps, seed=steps * 7 + 1))
        cases.append(run(name, {"prediction_type": "sample"}, 4, seed=11))
        cases.append(run(name, {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}, 4, seed=12))
        cases.append(run(name, {}, 8, seed=13, strength=0.6, keep_every_step=True))
        cases.append(run(name, {"timestep_spacing": "trailing", "steps_offset": 0}, 3, seed=2**32 + 14))
    cases.append(run("ddim", {"set_alpha_to_one": True}, 4, seed=15))
    cases.append(run("ddim", {"clip_sample": True, "prediction_type": "sample"}, 4, seed=16))
    cases.append(run("ddim", {"steps_offset": 0, "num_train_timesteps": 500}, 8, seed=17))
    cases.append(run("lcm", {"set_alpha_to_one": True, "clip_sample": True}, 4, seed=18))
    # SD-Turbo: Euler ancestral, trailing spacing, a single step from sigma_max.
    cases.append(dict(run("euler-a", {"timestep_spacing": "trailing", "steps_offset": 0}, 1, seed=2024), name="sd-turbo"))
    # LCM-LoRA / LCM Dreamshaper style: 4 steps.
    cases.append(dict(run("lcm", {"set_alpha_to_one": True, "steps_offset": 1}, 4, seed=2025), name="lcm-4-step"))

    doc = {
        "generator": "tests/reference/make_scheduler_reference.py",
        "torch": torch.__version__,
        "shape": list(SHAPE),
        "fake_model": "out[k] = 0.1*x[k] + float32(0.05*sin(0.01*t + 0.37*k)); x = scaled model input",
        "source_latent": "float32(0.8*cos(0.23*k)) for image-to-image cases",
        "base_config": SD_CONFIG,
        # Training tables as float32 bit patterns: the C# side must reproduce torch's linspace/cumprod exactly.
        "alphas_cumprod_bits": {
            schedule: [int(v) for v in alphas_cumprod(dict(SD_CONFIG, **overrides)).numpy().view(np.uint32)]
            for schedule, overrides in (
                ("scaled_linear", {}),
                ("linear", {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}),
            )
        },
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {OUT}")


if __name__ == "__main__":
    main()

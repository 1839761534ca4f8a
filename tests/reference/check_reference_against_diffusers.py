#!/usr/bin/env -S /usr/bin/python3
"""Replays schedulers.json through diffusers' own scheduler classes, to show the reference means "what diffusers does".

Run by hand (not in CI) with a diffusers source tree (a checkout, or `git archive HEAD src/diffusers/schedulers`
unpacked); diffusers' package dependencies are not needed:
    /usr/bin/python3 tests/reference/check_reference_against_diffusers.py /path/to/diffusers
Last run: diffusers 58eb52c0 (2026-08-23), 135 cases, worst relative error 1.02e-07.
Only the five scheduler modules are loaded, from <checkout>/src/diffusers/schedulers/. The few helpers they import
(config registration, output dataclass, logging, randn_tensor) are replaced by minimal stand-ins that keep the
constructor defaults and call torch.randn with the given CPU generator. Prints the worst relative error
|diffusers - reference| / max(|reference|, 1) over every recorded latent, and exits 1 above 1e-5.
"""
import functools
import importlib.util
import inspect
import json
import logging
import os
import sys
import types

import numpy as np
import torch

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "Seedtex.Diffusion.Tests", "TestData", "schedulers.json")
MODULES = {
    "euler": ("scheduling_euler_discrete", "EulerDiscreteScheduler", {}),
    "euler-a": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler", {}),
    "ddim": ("scheduling_ddim", "DDIMScheduler", {}),
    "dpm++2m-karras": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler",
                       {"use_karras_sigmas": True, "algorithm_type": "dpmsolver++", "solver_order": 2}),
    "lcm": ("scheduling_lcm", "LCMScheduler", {}),
}


def register_to_config(init):
    """Stand-in for diffusers' decorator: the bound constructor arguments (defaults included) become self.config."""
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = inspect.signature(init).bind(self, *args, **kwargs)
        bound.apply_defaults()
        self.config = types.SimpleNamespace(**{k: v for k, v in bound.arguments.items() if k != "self"})
        self.register_to_config = lambda **changes: [setattr(self.config, k, v) for k, v in changes.items()]
        init(self, *args, **kwargs)
    return wrapper


def install_stand_ins():
    def module(name, **members):
        m = types.ModuleType(name)
        m.__path__ = []
        m.__dict__.update(members)
        sys.modules[name] = m
        return m

    class ConfigMixin:
        pass

    class SchedulerMixin:
        pass

    module("diffusers")
    module("diffusers.configuration_utils", ConfigMixin=ConfigMixin, register_to_config=register_to_config)
    module("diffusers.utils", BaseOutput=dict, is_scipy_available=lambda: False, deprecate=lambda *a, **k: None,
           logging=types.SimpleNamespace(get_logger=logging.getLogger))
    module("diffusers.utils.torch_utils",
           randn_tensor=lambda shape, generator=None, device=None, dtype=None, layout=None:
           torch.randn(shape, generator=generator, dtype=dtype))
    module("diffusers.schedulers")
    module("diffusers.schedulers.scheduling_utils", SchedulerMixin=SchedulerMixin, SchedulerOutput=dict,
           KarrasDiffusionSchedulers=())


def load_classes(checkout):
    classes = {}
    for name, (file, cls, extra) in MODULES.items():
        path = os.path.join(checkout, "src", "diffusers", "schedulers", file + ".py")
        spec = importlib.util.spec_from_file_location("diffusers.schedulers." + file, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        classes[name] = (getattr(mod, cls), extra)
    return classes


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    install_stand_ins()
    classes = load_classes(sys.argv[1])
    doc = json.load(open(REFERENCE))
    shape = tuple(doc["shape"])
    numel = int(np.prod(shape))
    k = np.arange(numel, dtype=np.float64)
    source = torch.from_numpy((0.8 * np.cos(0.23 * k)).astype(np.float32)).reshape(shape)

    worst, checked, skipped = 0.0, 0, 0
    for case in doc["cases"]:
        config = dict(doc["base_config"], **case["config"])
        cls, extra = classes[case["scheduler"]]
        if case["scheduler"] == "euler-a" and config["prediction_type"] == "sample":
            skipped += 1  # diffusers raises NotImplementedError; Seedtex extends it.
            continue
        accepted = inspect.signature(cls.__init__).parameters
        scheduler = cls(**{key: v for key, v in config.items() if key in accepted}, **extra)
        steps = case["steps"]
        scheduler.set_timesteps(steps)
        timesteps = [float(t) for t in scheduler.timesteps]
        if timesteps != case["timesteps"]:
            print(f"timesteps differ: {case['scheduler']} {case['config']} {steps}: {timesteps} vs {case['timesteps']}")
            worst = float("inf")
            continue
        generator = torch.Generator().manual_seed(case["seed"])
        start = case.get("start_index", 0)
        if "strength" in case:
            if hasattr(scheduler, "set_begin_index"):
                scheduler.set_begin_index(start)
            x = scheduler.add_noise(source, torch.randn(shape, generator=generator), scheduler.timesteps[start:start + 1])
        else:
            x = torch.randn(shape, generator=generator) * scheduler.init_noise_sigma
        recorded = {e["step"]: np.array(e["latent"], dtype=np.float32) for e in case["latents"]}
        for i in range(start, steps):
            t = scheduler.timesteps[i]
            pattern = torch.from_numpy((0.05 * np.sin(0.01 * float(t) + 0.37 * k)).astype(np.float32)).reshape(shape)
            output = scheduler.scale_model_input(x, t) * 0.1 + pattern
            kwargs = {"generator": generator} if "generator" in inspect.signature(scheduler.step).parameters else {}
            x = scheduler.step(output, t, x, return_dict=False, **kwargs)[0]
            if i in recorded:
                error = np.abs(x.numpy().reshape(-1) - recorded[i]) / np.maximum(np.abs(recorded[i]), 1.0)
                worst = max(worst, float(error.max()))
        checked += 1
    print(f"{checked} cases replayed through diffusers ({skipped} skipped), worst relative error {worst:.3g}")
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()

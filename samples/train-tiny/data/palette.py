"""Named colours used by both the renderers and the caption grammar, so a colour word in a
caption always means the same RGB in the training data."""
import torch

# sRGB in [0, 1]
COLOURS = {
    "red": (0.60, 0.17, 0.12), "brown": (0.45, 0.30, 0.18), "orange": (0.85, 0.45, 0.15),
    "yellow": (0.86, 0.74, 0.28), "tan": (0.74, 0.62, 0.44), "beige": (0.84, 0.78, 0.66),
    "white": (0.90, 0.90, 0.88), "grey": (0.50, 0.50, 0.50), "black": (0.13, 0.13, 0.13),
    "green": (0.26, 0.50, 0.20), "blue": (0.20, 0.36, 0.70), "teal": (0.15, 0.50, 0.50),
    "pink": (0.86, 0.55, 0.60), "purple": (0.45, 0.25, 0.56), "gold": (0.82, 0.66, 0.26),
    "copper": (0.72, 0.42, 0.25), "oak": (0.66, 0.48, 0.28), "walnut": (0.38, 0.24, 0.14),
    "pine": (0.82, 0.66, 0.42), "mahogany": (0.50, 0.19, 0.13), "terracotta": (0.76, 0.38, 0.22),
    "slate": (0.30, 0.33, 0.37),
}

# How a tone word moves a colour: dark halves it, light mixes a third of white in.
TONES = ("dark", "light")


def rgb(name, tone=None):
    c = torch.tensor(COLOURS[name])
    if tone == "dark":
        c = c * 0.55
    elif tone == "light":
        c = c + (1 - c) * 0.4
    return c

"""Small PyTorch models of the families users bring, with random weights from
a fixed seed (nothing is downloaded): the test models of the torch frontend
(test/python/torch), of the main example and of bench/recipes.py.

``make(name)`` returns ``(model, example_inputs)``, the model in eval mode.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, sizes=(64, 256, 256, 10)):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
        return self.layers[-1](x)


class Attention(nn.Module):
    """Multi-head self-attention written out, as GPT-2 and BERT do."""

    def __init__(self, dim, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        batch, tokens, dim = x.shape
        q, k, v = (t.view(batch, tokens, self.heads, -1).transpose(1, 2)
                   for t in self.qkv(x).split(dim, dim=2))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dim // self.heads)
        if self.causal:
            mask = torch.tril(torch.ones(tokens, tokens, dtype=torch.bool))
            scores = scores.masked_fill(~mask, float("-inf"))
        y = F.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(batch, tokens, dim))


class TransformerBlock(nn.Module):
    """GPT-2 style (pre-norm, causal, tanh GELU) or BERT style (post-norm,
    bidirectional, erf GELU)."""

    def __init__(self, dim=64, heads=4, causal=True, gelu="tanh",
                 prenorm=True):
        super().__init__()
        self.prenorm = prenorm
        self.attn = Attention(dim, heads, causal)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim),
                                 nn.GELU(approximate=gelu),
                                 nn.Linear(4 * dim, dim))

    def forward(self, x):
        if self.prenorm:
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))
        x = self.ln1(x + self.attn(x))
        return self.ln2(x + self.mlp(x))


class ViT(nn.Module):
    """Patch embedding (a strided convolution), class token, position
    embedding, a BERT-style encoder block and a classifier head."""

    def __init__(self, dim=64, patch=8, image=32, classes=10):
        super().__init__()
        tokens = (image // patch) ** 2 + 1
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim))
        self.pos = nn.Parameter(0.02 * torch.randn(1, tokens, dim))
        self.block = TransformerBlock(dim, 4, causal=False, gelu="none")
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        patches = self.patch(x).flatten(2).transpose(1, 2)
        cls = self.cls.expand(x.shape[0], -1, -1)
        x = self.block(torch.cat([cls, patches], 1) + self.pos)
        return self.head(self.norm(x)[:, 0])


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * \
            self.weight


class LlamaBlock(nn.Module):
    """RMS norm, causal scaled_dot_product_attention with rotary position
    embeddings, SwiGLU MLP, no biases."""

    def __init__(self, dim=64, heads=4, hidden=128, tokens=16):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = RMSNorm(dim), RMSNorm(dim)
        self.wq, self.wk, self.wv, self.wo = (
            nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)
        half = dim // heads // 2
        angles = torch.outer(torch.arange(tokens, dtype=torch.float32),
                             10000.0 ** (-torch.arange(half) / half))
        self.register_buffer("cos", angles.cos())
        self.register_buffer("sin", angles.sin())

    def rotate(self, x):
        x1, x2 = x.chunk(2, dim=-1)
        return torch.cat([x1 * self.cos - x2 * self.sin,
                          x1 * self.sin + x2 * self.cos], dim=-1)

    def forward(self, x):
        batch, tokens, dim = x.shape
        y = self.norm1(x)
        q, k, v = (w(y).view(batch, tokens, self.heads, -1).transpose(1, 2)
                   for w in (self.wq, self.wk, self.wv))
        a = F.scaled_dot_product_attention(self.rotate(q), self.rotate(k), v,
                                           is_causal=True)
        x = x + self.wo(a.transpose(1, 2).reshape(batch, tokens, dim))
        y = self.norm2(x)
        return x + self.down(F.silu(self.gate(y)) * self.up(y))


class CNN(nn.Module):
    """Convolutions with padding, stride and dilation, batch norm, max and
    average pooling, a classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=2, dilation=2)
        self.conv3 = nn.Conv2d(32, 32, 3, stride=2, padding=1)
        self.fc = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.conv3(F.relu(self.conv2(x))))
        return self.fc(F.avg_pool2d(x, 2).flatten(1))


class BasicBlock(nn.Module):
    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.shortcut = nn.Sequential()
        if stride != 1 or inputs != outputs:
            self.shortcut = nn.Sequential(
                nn.Conv2d(inputs, outputs, 1, stride, bias=False),
                nn.BatchNorm2d(outputs))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    """ResNet-18's structure at a smaller width and depth."""

    def __init__(self, widths=(16, 32, 64), classes=10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
            nn.BatchNorm2d(widths[0]), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, inputs = [], widths[0]
        for i, width in enumerate(widths):
            blocks.append(BasicBlock(inputs, width, 1 if i == 0 else 2))
            inputs = width
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(inputs, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class InvertedResidual(nn.Module):
    def __init__(self, inputs, outputs, stride, expand):
        super().__init__()
        hidden = inputs * expand
        self.residual = stride == 1 and inputs == outputs
        self.body = nn.Sequential(
            nn.Conv2d(inputs, hidden, 1, bias=False), nn.BatchNorm2d(hidden),
            nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden,
                      bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, outputs, 1, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNet(nn.Module):
    """MobileNetV2/V3 structure: inverted residuals with depthwise
    convolutions, ReLU6 and hardswish."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False),
                                  nn.BatchNorm2d(16), nn.Hardswish())
        self.blocks = nn.Sequential(InvertedResidual(16, 16, 1, 2),
                                    InvertedResidual(16, 24, 2, 4),
                                    InvertedResidual(24, 24, 1, 4))
        self.fc = nn.Linear(24, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def encoder_layer(dim=64, heads=4, hidden=256):
    """PyTorch's own nn.TransformerEncoderLayer (GELU, pre-norm)."""
    return nn.TransformerEncoderLayer(dim, heads, hidden, dropout=0.0,
                                      activation="gelu", batch_first=True,
                                      norm_first=True)


_FAMILIES = {
    "mlp": (MLP, (16, 64)),
    "gpt2": (lambda: TransformerBlock(causal=True, gelu="tanh"), (2, 16, 64)),
    "bert": (lambda: TransformerBlock(causal=False, gelu="none",
                                      prenorm=False), (2, 16, 64)),
    "vit": (ViT, (2, 3, 32, 32)),
    "llama": (LlamaBlock, (2, 16, 64)),
    "encoder": (encoder_layer, (2, 16, 64)),
    "cnn": (CNN, (4, 3, 32, 32)),
    "resnet": (ResNet, (2, 3, 64, 64)),
    "mobilenet": (MobileNet, (2, 3, 64, 64)),
}

#: The model families, in the order the tests and tables list them.
NAMES = tuple(_FAMILIES)


def make(name, seed=0):
    """``(model, example_inputs)`` for family ``name``: weights, batch-norm
    statistics and inputs drawn from ``torch.manual_seed(seed)``."""
    factory, shape = _FAMILIES[name]
    torch.manual_seed(seed)
    model = factory()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
    return model.eval(), (torch.randn(*shape),)

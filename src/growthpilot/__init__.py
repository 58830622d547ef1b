"""growthpilot: open, offline, AI-driven marketing in one closed loop."""

__version__ = "0.1.0"

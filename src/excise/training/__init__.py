"""Training: real data from ``../shared/data`` → synthetic injections → the shipped model."""

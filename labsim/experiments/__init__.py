"""Anything that runs the model many times: executors, comparisons, sweeps, calibration,
evidence, robustness."""

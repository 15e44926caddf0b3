"""gcmod policy pack: rules importable without starting the pack."""

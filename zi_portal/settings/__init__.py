"""Settings package: ``base`` reads the environment; ``dev``, ``test`` and ``prod`` build on it."""

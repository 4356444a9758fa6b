"""LOC-delta scoring of a change; ``git`` is the only module here that runs git."""

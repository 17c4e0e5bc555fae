"""Toy inference entry point packed into a model by a repack step."""


def model_fn(model_dir):
    return model_dir

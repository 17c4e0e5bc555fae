"""Packs a model's inference code into its model archive.

A model step runs this, through _repack_script_launcher.sh, as the training
job it adds before creating or registering a model whose code must travel
inside the model archive (a model with network isolation cannot download
it). The job's "training" channel holds the trained model archive; this
script unpacks it, puts the code directory it was shipped in under code/
(leaving out itself and its launcher), and leaves the result in the model
directory, which SageMaker packs as the job's model.tar.gz.
"""
import json
import os
import shutil
import sys
import tarfile
import tempfile

HELPERS = ("_repack_model.py", "_repack_script_launcher.sh")


def hyperparameters():
    """Returns the job's hyperparameters, each JSON-decoded where it can be."""
    config = os.environ.get("SM_INPUT_CONFIG_DIR", "/opt/ml/input/config")
    with open(os.path.join(config, "hyperparameters.json")) as f:
        raw = json.load(f)
    out = {}
    for key, value in raw.items():
        try:
            out[key] = json.loads(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


def unpack(archive, dest):
    """Extracts archive into dest, refusing links and paths outside dest."""
    root = os.path.realpath(dest)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for m in members:
            target = os.path.realpath(os.path.join(dest, m.name))
            if m.issym() or m.islnk():
                sys.exit("model archive holds a link: %s" % m.name)
            if target != root and not target.startswith(root + os.sep):
                sys.exit("model archive entry outside the archive: %s" % m.name)
        tar.extractall(dest, members=members)


def main():
    hp = hyperparameters()
    channel = os.environ.get("SM_CHANNEL_TRAINING", "/opt/ml/input/data/training")
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    code_dir = os.path.dirname(os.path.abspath(__file__))
    archive = os.path.join(channel, str(hp["model_archive"]).rstrip("/").split("/")[-1])
    if not os.path.isfile(archive):
        sys.exit("no model archive at %s" % archive)

    work = tempfile.mkdtemp()
    unpack(archive, work)
    code = os.path.join(work, "code")
    if os.path.isdir(code):
        shutil.rmtree(code)

    def skip(directory, names):
        if os.path.abspath(directory) != code_dir:
            return []
        return [n for n in names if n in HELPERS]

    shutil.copytree(code_dir, code, ignore=skip)
    script = os.path.join(code, os.path.basename(str(hp["inference_script"])))
    if not os.path.isfile(script):
        sys.exit("the inference script %s is not in the code directory" % hp["inference_script"])

    os.makedirs(model_dir, exist_ok=True)
    for name in os.listdir(work):
        src, dst = os.path.join(work, name), os.path.join(model_dir, name)
        if os.path.isdir(src):
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


if __name__ == "__main__":
    main()

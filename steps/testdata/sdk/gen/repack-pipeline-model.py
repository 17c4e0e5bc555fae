"""repack-pipeline-model: the _RepackModel step for a PipelineModel's register and for a plain
Model with a custom image, an entry point and a source dir (Model.is_repack()).

As in repack-model.py, the SDK writes _repack_model.py and _repack_script_launcher.sh into
the source dir while it builds the definition; this script removes them again.
"""
import os

import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.model import Model
from sagemaker.pipeline import PipelineModel
from sagemaker.sklearn import SKLearnModel
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.steps import TrainingStep

SOURCE_DIR = "testdata/code/repack"
INJECTED = ["_repack_model.py", "_repack_script_launcher.sh"]


def main():
    sess = sdkmock.session()
    est = Estimator(
        image_uri="fakeimage",
        role=sdkmock.ROLE,
        instance_count=1,
        instance_type="ml.m5.xlarge",
        sagemaker_session=sess,
    )
    train = TrainingStep("Train", step_args=est.fit("s3://my-bucket/train"))
    artifacts = train.properties.ModelArtifacts.S3ModelArtifacts

    pre = SKLearnModel(
        model_data=artifacts,
        entry_point="inference.py",
        source_dir=SOURCE_DIR,
        framework_version="1.0-1",
        role=sdkmock.ROLE,
        enable_network_isolation=True,
        sagemaker_session=sess,
    )
    post = Model(
        image_uri="postimage",
        model_data="s3://my-bucket/post/model.tar.gz",
        role=sdkmock.ROLE,
        sagemaker_session=sess,
    )
    chain = PipelineModel(models=[pre, post], role=sdkmock.ROLE, sagemaker_session=sess)
    reg = ModelStep(
        "PipeReg",
        step_args=chain.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.m5.xlarge"],
            transform_instances=["ml.m5.xlarge"],
            model_package_group_name="grp",
        ),
    )
    custom = Model(
        image_uri="fakeimage",
        model_data=artifacts,
        entry_point="inference.py",
        source_dir=SOURCE_DIR,
        role=sdkmock.ROLE,
        sagemaker_session=sess,
    )
    create = ModelStep("Custom", step_args=custom.create(instance_type="ml.m5.xlarge"))
    sdkmock.write("repack-pipeline-model", [], [train, reg, create], sess)


if __name__ == "__main__":
    before = set(os.listdir(SOURCE_DIR))
    try:
        main()
    finally:
        for name in INJECTED:
            path = os.path.join(SOURCE_DIR, name)
            if name not in before and os.path.exists(path):
                os.remove(path)

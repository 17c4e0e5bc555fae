"""repack-model: ModelSteps whose framework model has an entry point, a source dir and model
data from a training step, on an image that needs the code packed into the model
(enable_network_isolation=True), so that the SDK inserts its _RepackModel training step
before the register and the create step.

The repack step copies the SDK's _repack_model.py into the source dir and writes a
_repack_script_launcher.sh there when its arguments are built; this script removes both again
afterwards so that testdata/code/repack keeps only our own files. (The repack step stages its
code under its timestamped job name, not under a content hash, so those files do not show in
the definition.)
"""
import os

import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.sklearn import SKLearnModel
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.steps import TrainingStep
from sagemaker.xgboost import XGBoostModel

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

    sk = SKLearnModel(
        model_data=artifacts,
        entry_point="inference.py",
        source_dir=SOURCE_DIR,
        framework_version="1.0-1",
        role=sdkmock.ROLE,
        enable_network_isolation=True,
        sagemaker_session=sess,
    )
    reg = ModelStep(
        "Reg",
        step_args=sk.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.m5.xlarge"],
            transform_instances=["ml.m5.xlarge"],
            model_package_group_name="grp",
            approval_status="PendingManualApproval",
        ),
    )
    xgb = XGBoostModel(
        model_data=artifacts,
        entry_point="inference.py",
        source_dir=SOURCE_DIR,
        framework_version="1.7-1",
        role=sdkmock.ROLE,
        enable_network_isolation=True,
        sagemaker_session=sess,
    )
    create = ModelStep("Create", step_args=xgb.create(instance_type="ml.m5.xlarge"))
    sdkmock.write("repack-model", [], [train, reg, create], sess)


if __name__ == "__main__":
    before = set(os.listdir(SOURCE_DIR))
    try:
        main()
    finally:
        for name in INJECTED:
            path = os.path.join(SOURCE_DIR, name)
            if name not in before and os.path.exists(path):
                os.remove(path)

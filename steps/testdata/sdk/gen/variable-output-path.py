"""variable-output-path: an Estimator whose output_path is a Join of a String parameter and the
execution id, in a TrainingStep ("Train"), and the same output path on an XGBoost framework
estimator with local code ("TrainXGB"). Shows where the SDK renders that value
(OutputDataConfig, DebugHookConfig and ProfilerConfig S3OutputPath) and where the framework
code goes when the output path cannot be parsed at definition time."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.steps import TrainingStep
from sagemaker.xgboost import XGBoost

sess = sdkmock.session()
run = ParameterString("Run", default_value="runs")
est = Estimator(
    image_uri="fakeimage",
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    output_path=Join(
        on="/", values=["s3://my-bucket", run, ExecutionVariables.PIPELINE_EXECUTION_ID]
    ),
    sagemaker_session=sess,
)
train = TrainingStep(
    "Train", step_args=est.fit(TrainingInput("s3://my-bucket/train", content_type="text/csv"))
)
out = Join(on="/", values=["s3://my-bucket", run, ExecutionVariables.PIPELINE_EXECUTION_ID])
xgb = XGBoost(
    entry_point="main.py",
    source_dir="testdata/code/src",
    framework_version="1.7-1",
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    output_path=out,
    sagemaker_session=sess,
)
train_xgb = TrainingStep(
    "TrainXGB", step_args=xgb.fit({"train": TrainingInput("s3://my-bucket/train")})
)
sdkmock.write("variable-output-path", [run], [train, train_xgb], sess)

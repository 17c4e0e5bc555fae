"""tuning-variable-instances: a TuningStep whose estimator takes its instance type and count
from pipeline parameters."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.parameter import ContinuousParameter, IntegerParameter
from sagemaker.tuner import HyperparameterTuner
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.steps import TuningStep

sess = sdkmock.session()
itype = ParameterString("TrainInstanceType", default_value="ml.m5.xlarge")
icount = ParameterInteger("TrainInstanceCount", default_value=2)
est = Estimator(
    image_uri="fakeimage",
    role=sdkmock.ROLE,
    instance_count=icount,
    instance_type=itype,
    hyperparameters={"epochs": 10},
    sagemaker_session=sess,
)
tuner = HyperparameterTuner(
    estimator=est,
    objective_metric_name="val:rmse",
    objective_type="Minimize",
    metric_definitions=[{"Name": "val:rmse", "Regex": "rmse=([0-9.]+)"}],
    hyperparameter_ranges={
        "depth": IntegerParameter(2, 8),
        "lr": ContinuousParameter(0.001, 0.1),
    },
    max_jobs=4,
    max_parallel_jobs=2,
)
tune = TuningStep(
    "Tune", step_args=tuner.fit(inputs=TrainingInput("s3://my-bucket/train"))
)
sdkmock.write("tuning-variable-instances", [itype, icount], [tune], sess)

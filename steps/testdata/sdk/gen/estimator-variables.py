"""estimator-variables: as many of the SDK arguments that admit a pipeline variable as fit in
one pipeline, each fed from a parameter (or a Join), for the argument audit. Every step type
that takes job settings appears once: training, processing, tuning, model create/register,
transform, fail."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.network import NetworkConfig
from sagemaker.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.transformer import Transformer
from sagemaker.tuner import HyperparameterTuner, WarmStartConfig, WarmStartTypes
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import (
    ParameterBoolean,
    ParameterFloat,
    ParameterInteger,
    ParameterString,
)
from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep, TuningStep
from sagemaker.xgboost import XGBoost

sess = sdkmock.session()

# Strings.
image = ParameterString("Image", default_value="fakeimage")
itype = ParameterString("InstanceType", default_value="ml.m5.xlarge")
kms = ParameterString("KmsKey", default_value="kms-key")
subnet = ParameterString("Subnet", default_value="subnet-1")
sg = ParameterString("SecurityGroup", default_value="sg-1")
env_value = ParameterString("EnvValue", default_value="v")
data = ParameterString("Data", default_value="s3://my-bucket/data")
content_type = ParameterString("ContentType", default_value="text/csv")
checkpoint = ParameterString("Checkpoint", default_value="s3://my-bucket/ckpt")
input_mode = ParameterString("InputMode", default_value="File")
distribution = ParameterString("Distribution", default_value="ShardedByS3Key")
compression = ParameterString("Compression", default_value="None")
regex = ParameterString("Regex", default_value="loss=([0-9.]+)")
metric = ParameterString("Metric", default_value="loss")
objective_type = ParameterString("ObjectiveType", default_value="Minimize")
strategy = ParameterString("Strategy", default_value="Random")
early_stopping = ParameterString("EarlyStopping", default_value="Auto")
scaling = ParameterString("Scaling", default_value="Linear")
choice = ParameterString("Choice", default_value="adam")
group = ParameterString("ModelGroup", default_value="grp")
approval = ParameterString("Approval", default_value="PendingManualApproval")
split_type = ParameterString("SplitType", default_value="Line")
assemble = ParameterString("AssembleWith", default_value="Line")
batch_strategy = ParameterString("BatchStrategy", default_value="MultiRecord")
upload_mode = ParameterString("UploadMode", default_value="Continuous")
message = ParameterString("Message", default_value="stopped")
data_type = ParameterString("DataType", default_value="S3Prefix")
record_wrapping = ParameterString("RecordWrapping", default_value="RecordIO")
s3_input_mode = ParameterString("S3InputMode", default_value="Pipe")
parent = ParameterString("ParentJob", default_value="parent-tuning-job")
entry_point = ParameterString("EntryPoint", default_value="main.py")

# Numbers and flags.
count = ParameterInteger("InstanceCount", default_value=1)
volume = ParameterInteger("VolumeSize", default_value=50)
max_run = ParameterInteger("MaxRun", default_value=3600)
max_wait = ParameterInteger("MaxWait", default_value=7200)
retries = ParameterInteger("MaxRetries", default_value=2)
max_jobs = ParameterInteger("MaxJobs", default_value=4)
parallel = ParameterInteger("MaxParallel", default_value=2)
max_depth = ParameterInteger("MaxDepth", default_value=8)
max_payload = ParameterInteger("MaxPayload", default_value=6)
concurrent = ParameterInteger("MaxConcurrent", default_value=2)
lr = ParameterFloat("LearningRate", default_value=0.1)
lr_max = ParameterFloat("MaxLearningRate", default_value=0.5)
spot = ParameterBoolean("Spot", default_value=True)
isolation = ParameterBoolean("Isolation", default_value=False)
encrypt = ParameterBoolean("Encrypt", default_value=False)
metrics = ParameterBoolean("Metrics", default_value=True)
keep_alive = ParameterInteger("KeepAlive", default_value=300)
log_level = ParameterInteger("LogLevel", default_value=10)

PARAMETERS = [
    image, itype, kms, subnet, sg, env_value, data, content_type, checkpoint, input_mode,
    distribution, compression, regex, metric, objective_type, strategy, early_stopping, scaling,
    choice, group, approval, split_type, assemble, batch_strategy, upload_mode, message,
    data_type, record_wrapping, s3_input_mode, parent, entry_point,
    count, volume, max_run, max_wait, retries, max_jobs, parallel, max_depth, max_payload,
    concurrent, lr, lr_max, spot, isolation, encrypt, metrics, keep_alive, log_level,
]


def estimator(**extra):
    return Estimator(
        image_uri=image,
        role=sdkmock.ROLE,
        instance_count=count,
        instance_type=itype,
        volume_size=volume,
        volume_kms_key=kms,
        max_run=max_run,
        input_mode=input_mode,
        output_path=Join(on="/", values=["s3://my-bucket", ExecutionVariables.PIPELINE_EXECUTION_ID]),
        output_kms_key=kms,
        subnets=[subnet, "subnet-2"],
        security_group_ids=[sg],
        metric_definitions=[{"Name": metric, "Regex": regex}],
        encrypt_inter_container_traffic=encrypt,
        use_spot_instances=spot,
        max_wait=max_wait,
        checkpoint_s3_uri=checkpoint,
        checkpoint_local_path="/opt/ml/checkpoints",
        enable_network_isolation=isolation,
        environment={"E": env_value, "F": "literal"},
        max_retry_attempts=retries,
        keep_alive_period_in_seconds=keep_alive,
        enable_sagemaker_metrics=metrics,
        hyperparameters={"lr": lr, "n": count, "name": env_value, "fixed": 3},
        sagemaker_session=sess,
        **extra,
    )


def channel():
    return TrainingInput(
        s3_data=data,
        distribution=distribution,
        compression=compression,
        content_type=content_type,
        record_wrapping=record_wrapping,
        s3_data_type=data_type,
        input_mode=input_mode,
    )


train = TrainingStep("Train", step_args=estimator().fit({"train": channel()}))

# A framework estimator's entry point may be a variable only when its source dir is an S3
# URI: with a local source dir the SDK raises "The entry_point should not be a pipeline
# variable when source_dir is a local path", and a variable source_dir fails in the SDK's
# JumpStart URI check (AttributeError: 'ParameterString' object has no attribute 'decode').
xgb = XGBoost(
    entry_point=entry_point,
    source_dir="s3://my-bucket/code/sourcedir.tar.gz",
    container_log_level=log_level,
    framework_version="1.7-1",
    role=sdkmock.ROLE,
    instance_count=count,
    instance_type=itype,
    sagemaker_session=sess,
)
train_fw = TrainingStep("TrainFW", step_args=xgb.fit({"train": channel()}))

processor = Processor(
    role=sdkmock.ROLE,
    image_uri=image,
    instance_count=count,
    instance_type=itype,
    entrypoint=["python3", Join(on="/", values=["/opt/ml/processing/code", env_value])],
    volume_size_in_gb=volume,
    volume_kms_key=kms,
    output_kms_key=kms,
    max_runtime_in_seconds=max_run,
    env={"E": env_value},
    network_config=NetworkConfig(
        enable_network_isolation=isolation,
        security_group_ids=[sg],
        subnets=[subnet],
        encrypt_inter_container_traffic=encrypt,
    ),
    sagemaker_session=sess,
)
proc = ProcessingStep(
    "Proc",
    step_args=processor.run(
        inputs=[
            ProcessingInput(
                source=data,
                destination="/opt/ml/processing/input",
                input_name="data",
                s3_data_type=data_type,
                s3_input_mode=s3_input_mode,
                s3_data_distribution_type=distribution,
                s3_compression_type=compression,
            )
        ],
        outputs=[
            ProcessingOutput(
                output_name="out",
                source="/opt/ml/processing/out",
                destination=Join(on="/", values=[data, "out"]),
                s3_upload_mode=upload_mode,
            )
        ],
        arguments=["--lr", lr, "--count", count],
    ),
)

tuner = HyperparameterTuner(
    estimator=estimator(),
    objective_metric_name=metric,
    hyperparameter_ranges={
        "lr": ContinuousParameter(0.001, lr_max, scaling_type=scaling),
        "depth": IntegerParameter(1, max_depth),
        "opt": CategoricalParameter([choice, "sgd"]),
    },
    metric_definitions=[{"Name": metric, "Regex": regex}],
    strategy=strategy,
    objective_type=objective_type,
    max_jobs=max_jobs,
    max_parallel_jobs=parallel,
    max_runtime_in_seconds=max_run,
    early_stopping_type=early_stopping,
    warm_start_config=WarmStartConfig(
        warm_start_type=WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, parents={parent}
    ),
)
tune = TuningStep("Tune", step_args=tuner.fit({"train": channel()}))

model = Model(
    image_uri=image,
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    env={"E": env_value},
    vpc_config={"Subnets": [subnet], "SecurityGroupIds": [sg]},
    enable_network_isolation=isolation,
    role=sdkmock.ROLE,
    sagemaker_session=sess,
)
create = ModelStep("M", step_args=model.create(instance_type="ml.m5.xlarge"))
register = ModelStep(
    "Reg",
    step_args=model.register(
        content_types=[content_type],
        response_types=[content_type, "application/json"],
        inference_instances=[itype],
        transform_instances=[itype],
        model_package_group_name=group,
        approval_status=approval,
        image_uri=image,
        model_metrics=ModelMetrics(
            model_statistics=MetricsSource(
                content_type=content_type,
                s3_uri=Join(on="/", values=[data, "stats.json"]),
            )
        ),
        customer_metadata_properties={"owner": env_value},
        domain=env_value,
        task=env_value,
        sample_payload_url=data,
        framework=env_value,
        framework_version=env_value,
        nearest_model_name=env_value,
        skip_model_validation=env_value,
        source_uri=data,
    ),
)

transformer = Transformer(
    model_name=create.properties.ModelName,
    instance_count=count,
    instance_type=itype,
    strategy=batch_strategy,
    assemble_with=assemble,
    output_path=Join(on="/", values=[data, "batch", ExecutionVariables.PIPELINE_EXECUTION_ID]),
    output_kms_key=kms,
    accept=content_type,
    max_concurrent_transforms=concurrent,
    max_payload=max_payload,
    env={"E": env_value},
    volume_kms_key=kms,
    sagemaker_session=sess,
)
transform = TransformStep(
    "Batch",
    step_args=transformer.transform(
        data=data,
        data_type=data_type,
        content_type=content_type,
        compression_type=compression,
        split_type=split_type,
        input_filter=env_value,
        output_filter=env_value,
        join_source=env_value,
    ),
)

fail = FailStep(
    "Stop",
    error_message=Join(on=": ", values=[message, ExecutionVariables.PIPELINE_EXECUTION_ID]),
    depends_on=[transform],
)

sdkmock.write(
    "estimator-variables",
    PARAMETERS,
    [train, train_fw, proc, tune, create, register, transform, fail],
    sess,
)

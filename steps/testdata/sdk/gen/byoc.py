"""byoc: a ProcessingStep and a TrainingStep that run the user's own image as `step <StepName>`,
from a generic Processor with an entrypoint and a generic Estimator with a container entry point
(no code upload)."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

IMAGE = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-go-steps:latest"

sess = sdkmock.session()
proc = Processor(
    image_uri=IMAGE,
    entrypoint=["/app", "step", "Prep"],
    role=sdkmock.ROLE,
    instance_count=2,
    instance_type="ml.m5.xlarge",
    sagemaker_session=sess,
)
prep = ProcessingStep(
    "Prep",
    step_args=proc.run(
        inputs=[
            ProcessingInput(
                source="s3://my-bucket/raw",
                destination="/opt/ml/processing/input",
                s3_data_distribution_type="ShardedByS3Key",
            )
        ],
        outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train")],
        arguments=["--split", "0.8"],
    ),
)
est = Estimator(
    image_uri=IMAGE,
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    container_entry_point=["/app", "step", "Train"],
    container_arguments=["--rounds", "10"],
    hyperparameters={"max_depth": 5, "eta": 0.3},
    sagemaker_session=sess,
)
train = TrainingStep(
    "Train",
    step_args=est.fit(
        inputs={
            "train": TrainingInput(
                s3_data=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                content_type="text/csv",
            )
        }
    ),
)
sdkmock.write("byoc", [], [prep, train], sess)

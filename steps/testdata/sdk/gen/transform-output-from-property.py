"""transform-output-from-property: TransformSteps whose output path is a property of an
earlier step, once as the property itself and once joined with a literal suffix."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn import SKLearnProcessor
from sagemaker.transformer import Transformer
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep

sess = sdkmock.session()
proc = SKLearnProcessor(
    framework_version="1.0-1",
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    sagemaker_session=sess,
)
prep = ProcessingStep(
    "Prep",
    step_args=proc.run(
        code="testdata/code/train.py",
        inputs=[
            ProcessingInput(source="s3://my-bucket/raw", destination="/opt/ml/processing/input")
        ],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
            ProcessingOutput(output_name="scored", source="/opt/ml/processing/scored"),
        ],
    ),
)
outputs = prep.properties.ProcessingOutputConfig.Outputs
est = Estimator(
    image_uri="fakeimage",
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    sagemaker_session=sess,
)
train = TrainingStep(
    "Train", step_args=est.fit(TrainingInput(outputs["train"].S3Output.S3Uri))
)
model = Model(
    image_uri="fakeimage",
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    role=sdkmock.ROLE,
    sagemaker_session=sess,
)
create = ModelStep("M", step_args=model.create(instance_type="ml.m5.xlarge"))

# Output path = a processing output's S3Uri property, as is.
t1 = Transformer(
    model_name=create.properties.ModelName,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    output_path=outputs["scored"].S3Output.S3Uri,
    sagemaker_session=sess,
)
score = TransformStep(
    "Score",
    step_args=t1.transform(
        data=outputs["test"].S3Output.S3Uri, content_type="text/csv", split_type="Line"
    ),
)

# Output path = Join of the training job's output path property and a literal.
t2 = Transformer(
    model_name=create.properties.ModelName,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    output_path=Join(on="/", values=[train.properties.OutputDataConfig.S3OutputPath, "batch"]),
    accept="text/csv",
    assemble_with="Line",
    sagemaker_session=sess,
)
batch = TransformStep(
    "Batch", step_args=t2.transform(data="s3://my-bucket/in", content_type="text/csv")
)
sdkmock.write("transform-output-from-property", [], [prep, train, create, score, batch], sess)

"""processing-variable-args: a ProcessingStep whose arguments list mixes literals, a String and
an Integer parameter and a Join of a parameter and the execution id."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn import SKLearnProcessor
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.steps import ProcessingStep

sess = sdkmock.session()
mode = ParameterString("Mode", default_value="full")
epochs = ParameterInteger("Epochs", default_value=5)
proc = SKLearnProcessor(
    framework_version="1.0-1",
    role=sdkmock.ROLE,
    instance_count=1,
    instance_type="ml.m5.xlarge",
    sagemaker_session=sess,
)
args = proc.run(
    code="testdata/code/train.py",
    inputs=[ProcessingInput(source="s3://my-bucket/raw", destination="/opt/ml/processing/input")],
    outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train")],
    arguments=[
        "--mode",
        mode,
        "--epochs",
        epochs,
        "--tag",
        Join(on="-", values=["run", mode, ExecutionVariables.PIPELINE_EXECUTION_ID]),
        "--verbose",
    ],
)
prep = ProcessingStep("Prep", step_args=args)
sdkmock.write("processing-variable-args", [mode, epochs], [prep], sess)

"""Shared set-up for the scripts that write the SDK reference definitions.

It builds the mocked PipelineSession of the SDK's own workflow unit tests (region us-west-2,
default bucket my-bucket, role DummyRole), freezes time.time() at 1714564800.05 and writes
Pipeline.definition() byte for byte. Run the scripts from the steps/ directory, with the
SageMaker Python SDK 2.257.6 importable:

    cd steps && python3 testdata/sdk/gen/<topic>.py
"""
import os
import sys
import time
from unittest import mock

import sagemaker
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

REGION = "us-west-2"
BUCKET = "my-bucket"
ROLE = "DummyRole"
PIPELINE = "MyPipeline"
FROZEN_TIME = 1714564800.05
SDK_VERSION = "2.257.6"

_time_patch = mock.patch("time.time", return_value=FROZEN_TIME)
# The SDK's usage telemetry would call out over the network; it has no part in definitions.
_telemetry_patch = mock.patch(
    "sagemaker.telemetry.telemetry_logging._requests_helper", return_value=None
)


def freeze_time():
    """Freezes time.time() for the rest of the process (job names and timestamps)."""
    _time_patch.start()
    _telemetry_patch.start()


def session(**kwargs):
    """Returns a PipelineSession over mocked boto clients, as the SDK's unit tests build it."""
    if sagemaker.__version__ != SDK_VERSION:
        sys.exit("need SageMaker Python SDK %s, have %s" % (SDK_VERSION, sagemaker.__version__))
    client = mock.Mock()
    client._client_config.user_agent = (
        "Boto3/1.14.24 Python/3.8.5 Linux/5.4.0-42-generic Botocore/1.17.24 Resource"
    )
    client.describe_model.return_value = {"PrimaryContainer": {}, "Containers": {}}

    role = mock.Mock()
    type(role).arn = mock.PropertyMock(return_value=ROLE)
    resource = mock.Mock()
    resource.Role.return_value = role

    boto = mock.Mock(region_name=REGION)
    boto.resource.return_value = resource
    boto.client.return_value = client

    sess = PipelineSession(
        boto_session=boto, sagemaker_client=client, default_bucket=BUCKET, **kwargs
    )
    sess.sagemaker_config = {}
    return sess


def write(topic, parameters, steps, sess):
    """Writes Pipeline(...).definition() to ../sdk/<topic>.sdk-<version>.json (no newline)."""
    pipeline = Pipeline(
        name=PIPELINE, parameters=parameters, steps=steps, sagemaker_session=sess
    )
    definition = pipeline.definition()
    out = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "%s.sdk-%s.json" % (topic, SDK_VERSION),
    )
    with open(out, "w") as f:
        f.write(definition)
    print("wrote", out)
    return definition

"""condition-in-mixed: a ConditionStep with ConditionIn over value lists that mix primitive
kinds and parameters, and a Float parameter default and conditions holding -0.0. (NaN and the
infinities are in condition-nonfinite.py: the SDK writes them as tokens that are not JSON.)"""
import math

import sdkmock

sdkmock.freeze_time()

from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionEquals,
    ConditionGreaterThanOrEqualTo,
    ConditionIn,
)
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import (
    ParameterBoolean,
    ParameterFloat,
    ParameterInteger,
    ParameterString,
)

sess = sdkmock.session()
kind = ParameterString("Kind", default_value="a")
other = ParameterString("Other", default_value="b")
count = ParameterInteger("Count", default_value=0)
flag = ParameterBoolean("Flag", default_value=False)
neg_zero = ParameterFloat("NegZero", default_value=-0.0)
assert math.copysign(1, neg_zero.default_value) < 0

conditions = [
    ConditionIn(value=kind, in_values=["a", 1, 2.5, True, other, -0.0]),
    ConditionIn(value=count, in_values=[0, 1.0, False, "2", count]),
    ConditionIn(value=flag, in_values=[True, None]),
    ConditionEquals(left=neg_zero, right=-0.0),
    ConditionGreaterThanOrEqualTo(left=-0.0, right=0.0),
]
check = ConditionStep(
    "Check",
    conditions=conditions,
    if_steps=[FailStep("Yes", error_message="all held")],
    else_steps=[FailStep("No", error_message="a condition failed")],
)
sdkmock.write("condition-in-mixed", [kind, other, count, flag, neg_zero], [check], sess)

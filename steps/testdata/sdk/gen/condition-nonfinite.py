"""condition-nonfinite: Float parameter defaults and conditions holding NaN, +Inf and -Inf.
The SDK does not refuse them: json.dumps writes Python's NaN, Infinity and -Infinity tokens,
which are not JSON (RFC 8259), so the definition it produces is not valid JSON."""
import sdkmock

sdkmock.freeze_time()

from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionEquals,
    ConditionGreaterThan,
    ConditionIn,
    ConditionLessThan,
    ConditionNot,
)
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterFloat

sess = sdkmock.session()
not_a_number = ParameterFloat("NaN", default_value=float("nan"))
pos_inf = ParameterFloat("Inf", default_value=float("inf"))
neg_inf = ParameterFloat("NegInf", default_value=float("-inf"))

conditions = [
    ConditionNot(expression=ConditionEquals(left=not_a_number, right=float("nan"))),
    ConditionLessThan(left=pos_inf, right=float("inf")),
    ConditionGreaterThan(left=neg_inf, right=float("-inf")),
    ConditionIn(value=pos_inf, in_values=[float("inf"), float("-inf"), float("nan")]),
]
check = ConditionStep(
    "Check",
    conditions=conditions,
    if_steps=[FailStep("Yes", error_message="all held")],
    else_steps=[FailStep("No", error_message="a condition failed")],
)
sdkmock.write("condition-nonfinite", [not_a_number, pos_inf, neg_inf], [check], sess)

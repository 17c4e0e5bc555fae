"""Writes AUDIT.md: every argument of the SDK classes and methods the step builders mirror,
with the type annotation exactly as written in the SDK 2.257.6 source and whether that
annotation admits a pipeline variable.

    cd steps && python3 testdata/sdk/gen/audit.py
"""
import ast
import functools
import inspect
import os

import sagemaker
from sagemaker.estimator import EstimatorBase, Estimator, Framework
from sagemaker.xgboost import XGBoost, XGBoostModel
from sagemaker.sklearn import SKLearn, SKLearnModel, SKLearnProcessor
from sagemaker.processing import (
    Processor,
    ScriptProcessor,
    FrameworkProcessor,
    ProcessingInput,
    ProcessingOutput,
)
from sagemaker.network import NetworkConfig
from sagemaker.inputs import TrainingInput, TransformInput
from sagemaker.tuner import HyperparameterTuner, WarmStartConfig
from sagemaker.parameter import (
    ParameterRange,
    ContinuousParameter,
    IntegerParameter,
    CategoricalParameter,
)
from sagemaker.model import Model, FrameworkModel
from sagemaker.pipeline import PipelineModel
from sagemaker.transformer import Transformer
from sagemaker.model_metrics import ModelMetrics, MetricsSource, FileSource
from sagemaker.drift_check_baselines import DriftCheckBaselines
from sagemaker.lambda_helper import Lambda
from sagemaker.workflow.steps import (
    TrainingStep,
    ProcessingStep,
    TuningStep,
    TransformStep,
    CacheConfig,
)
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.lambda_step import LambdaStep, LambdaOutput
from sagemaker.workflow.callback_step import CallbackStep, CallbackOutput
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionComparison,
    ConditionEquals,
    ConditionIn,
    ConditionNot,
    ConditionOr,
)
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import (
    ParameterString,
    ParameterInteger,
    ParameterFloat,
    ParameterBoolean,
)
from sagemaker.workflow.retry import (
    RetryPolicy,
    StepRetryPolicy,
    SageMakerJobStepRetryPolicy,
)

# Names whose appearance in an annotation admits a pipeline variable: PipelineVariable and
# its subclasses or aliases (sagemaker.workflow.entities, parameters, properties, functions,
# execution_variables, conditions).
VARIABLE_NAMES = {
    "PipelineVariable",
    "PipelineNonPrimitiveInputTypes",
    "ConditionValueType",
    "ExecutionVariable",
    "Parameter",
    "ParameterString",
    "ParameterInteger",
    "ParameterFloat",
    "ParameterBoolean",
    "Properties",
    "Join",
    "JsonGet",
    "StepOutput",
    "Expression",
}

# (section, label, callable). A class stands for its constructor.
TARGETS = [
    ("Training", "EstimatorBase", EstimatorBase),
    ("Training", "Estimator", Estimator),
    ("Training", "Framework", Framework),
    ("Training", "XGBoost", XGBoost),
    ("Training", "SKLearn", SKLearn),
    ("Training", "EstimatorBase.fit", EstimatorBase.fit),
    ("Training", "TrainingInput", TrainingInput),
    ("Training", "TrainingStep", TrainingStep),
    ("Processing", "Processor", Processor),
    ("Processing", "Processor.run", Processor.run),
    ("Processing", "ScriptProcessor", ScriptProcessor),
    ("Processing", "ScriptProcessor.run", ScriptProcessor.run),
    ("Processing", "FrameworkProcessor", FrameworkProcessor),
    ("Processing", "FrameworkProcessor.run", FrameworkProcessor.run),
    ("Processing", "SKLearnProcessor", SKLearnProcessor),
    ("Processing", "ProcessingInput", ProcessingInput),
    ("Processing", "ProcessingOutput", ProcessingOutput),
    ("Processing", "NetworkConfig", NetworkConfig),
    ("Processing", "PropertyFile", PropertyFile),
    ("Processing", "ProcessingStep", ProcessingStep),
    ("Tuning", "HyperparameterTuner", HyperparameterTuner),
    ("Tuning", "HyperparameterTuner.fit", HyperparameterTuner.fit),
    ("Tuning", "WarmStartConfig", WarmStartConfig),
    ("Tuning", "ParameterRange", ParameterRange),
    ("Tuning", "ContinuousParameter", ContinuousParameter),
    ("Tuning", "IntegerParameter", IntegerParameter),
    ("Tuning", "CategoricalParameter", CategoricalParameter),
    ("Tuning", "TuningStep", TuningStep),
    ("Tuning", "TuningStep.get_top_model_s3_uri", TuningStep.get_top_model_s3_uri),
    ("Model", "Model", Model),
    ("Model", "FrameworkModel", FrameworkModel),
    ("Model", "XGBoostModel", XGBoostModel),
    ("Model", "SKLearnModel", SKLearnModel),
    ("Model", "PipelineModel", PipelineModel),
    ("Model", "Model.create", Model.create),
    ("Model", "Model.register", Model.register),
    ("Model", "PipelineModel.register", PipelineModel.register),
    ("Model", "ModelMetrics", ModelMetrics),
    ("Model", "MetricsSource", MetricsSource),
    ("Model", "FileSource", FileSource),
    ("Model", "DriftCheckBaselines", DriftCheckBaselines),
    ("Model", "ModelStep", ModelStep),
    ("Transform", "Transformer", Transformer),
    ("Transform", "Transformer.transform", Transformer.transform),
    ("Transform", "TransformInput", TransformInput),
    ("Transform", "TransformStep", TransformStep),
    ("Lambda and callback", "Lambda", Lambda),
    ("Lambda and callback", "LambdaStep", LambdaStep),
    ("Lambda and callback", "LambdaOutput", LambdaOutput),
    ("Lambda and callback", "CallbackStep", CallbackStep),
    ("Lambda and callback", "CallbackOutput", CallbackOutput),
    ("Fail and condition", "FailStep", FailStep),
    ("Fail and condition", "ConditionStep", ConditionStep),
    ("Fail and condition", "ConditionComparison", ConditionComparison),
    ("Fail and condition", "ConditionEquals", ConditionEquals),
    ("Fail and condition", "ConditionIn", ConditionIn),
    ("Fail and condition", "ConditionNot", ConditionNot),
    ("Fail and condition", "ConditionOr", ConditionOr),
    ("Fail and condition", "Join", Join),
    ("Fail and condition", "JsonGet", JsonGet),
    ("Parameters", "ParameterString", ParameterString),
    ("Parameters", "ParameterInteger", ParameterInteger),
    ("Parameters", "ParameterFloat", ParameterFloat),
    ("Parameters", "ParameterBoolean", ParameterBoolean),
    ("Step options", "CacheConfig", CacheConfig),
    ("Step options", "RetryPolicy", RetryPolicy),
    ("Step options", "StepRetryPolicy", StepRetryPolicy),
    ("Step options", "SageMakerJobStepRetryPolicy", SageMakerJobStepRetryPolicy),
]


def unwrap(fn):
    """The undecorated function (the SDK wraps several methods, e.g. with runnable_by_pipeline)."""
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


_modules = {}


def source_node(obj, kind):
    """The ast node (FunctionDef or ClassDef) of obj, found in its module's parsed source."""
    path = inspect.getsourcefile(obj)
    if path not in _modules:
        with open(path) as f:
            _modules[path] = ast.parse(f.read())
    first = inspect.getsourcelines(obj)[1]
    for node in ast.walk(_modules[path]):
        if isinstance(node, kind) and node.name == obj.__name__:
            starts = [node.lineno] + [d.lineno for d in node.decorator_list]
            if first in starts:
                return node
    raise LookupError("no source node for %r" % obj)


def func_rows(fn):
    node = source_node(unwrap(fn), (ast.FunctionDef, ast.AsyncFunctionDef))
    a = node.args
    rows = []
    positional = a.posonlyargs + a.args
    for arg in positional + a.kwonlyargs:
        if arg.arg in ("self", "cls"):
            continue
        rows.append((arg.arg, arg.annotation))
    if a.vararg:
        rows.append(("*" + a.vararg.arg, a.vararg.annotation))
    if a.kwarg:
        rows.append(("**" + a.kwarg.arg, a.kwarg.annotation))
    return rows


def attrs_rows(cls):
    """Rows of an attrs class: its attr.ib fields, in definition order, base classes first."""
    rows = []
    for klass in reversed(cls.__mro__):
        if klass is object or not getattr(klass, "__module__", "").startswith("sagemaker"):
            continue
        if "__attrs_attrs__" not in klass.__dict__:
            continue
        node = source_node(klass, ast.ClassDef)
        for stmt in node.body:
            target, ann, value = None, None, None
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                target, ann, value = stmt.target.id, stmt.annotation, stmt.value
            elif (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                target, value = stmt.targets[0].id, stmt.value
            if target is None or not isinstance(value, ast.Call):
                continue
            call = ast.unparse(value.func)
            if call not in ("attr.ib", "attr.attrib", "attrib"):
                continue
            if any(k.arg == "init" and ast.unparse(k.value) == "False" for k in value.keywords):
                continue
            rows = [r for r in rows if r[0] != target] + [(target, ann)]
    return rows


def rows_for(obj):
    """Argument rows of obj, and the name of the class whose constructor it inherits, if any."""
    if isinstance(obj, functools.partial):  # ParameterBoolean = partial(Parameter, ...)
        rows, _ = rows_for(obj.func)
        fixed = ", ".join("%s=%s" % kv for kv in obj.keywords.items())
        return [r for r in rows if r[0] not in obj.keywords], "partial(%s, %s)" % (
            obj.func.__name__,
            fixed,
        )
    if not inspect.isclass(obj):
        return func_rows(obj), None
    owner = next(k for k in obj.__mro__ if "__init__" in k.__dict__)
    init = owner.__dict__["__init__"]
    if init.__code__.co_filename.startswith("<attrs"):
        return attrs_rows(obj), None
    return func_rows(init), (None if owner is obj else owner.__name__)


def variable_capable(ann):
    if ann is None:
        return False
    return any(isinstance(n, ast.Name) and n.id in VARIABLE_NAMES for n in ast.walk(ann)) or any(
        isinstance(n, ast.Attribute) and n.attr in VARIABLE_NAMES for n in ast.walk(ann)
    )


def fmt_type(ann):
    if ann is None:
        return "(unannotated)"
    return "`" + ast.unparse(ann).replace("|", "\\|") + "`"


def main():
    out = [
        "# SDK argument audit (SageMaker Python SDK %s)" % sagemaker.__version__,
        "",
        "Every argument of the SDK classes and methods the step builders mirror, with its type",
        "annotation exactly as written in the 2.257.6 source (aws/sagemaker-python-sdk commit",
        "fc582aaa) and whether that annotation admits a pipeline variable. Generated by",
        "`gen/audit.py` from the source signatures (run from `steps/`).",
        "",
        "- *variable-capable* is `yes` when the annotation names `PipelineVariable` or one of its",
        "  subclasses or aliases (%s)" % ", ".join("`%s`" % n for n in sorted(VARIABLE_NAMES)),
        "  anywhere, including inside a container (`Dict[str, Union[str, PipelineVariable]]`",
        "  admits variables as values, not as the whole dict; read the SDK type for where).",
        "- `(unannotated)` arguments are `no` by this rule; the SDK may still pass a variable",
        "  through at run time (see the notes after the table).",
        "- A class row names its constructor (the classes that inherit theirs are listed after",
        "  the table); a `Class.method` row names that method. attrs classes list their `attr.ib`",
        "  fields, base classes first.",
        "- `**kwargs` rows forward to the base class's constructor, listed in its own rows.",
        "",
        "| class | argument | SDK type | variable-capable |",
        "| --- | --- | --- | --- |",
    ]
    total = yes = 0
    inherits = []
    for section, label, obj in TARGETS:
        rows, inherited = rows_for(obj)
        name = label
        if inherited is not None:
            inherits.append("`%s` from `%s`" % (label, inherited))
        for arg, ann in rows:
            v = variable_capable(ann)
            total += 1
            yes += v
            out.append(
                "| %s | %s | %s | %s |" % (name, arg, fmt_type(ann), "yes" if v else "no")
            )
    out += [
        "",
        "%d arguments, %d variable-capable by annotation." % (total, yes),
        "",
        "Inherited constructors: %s." % ", ".join(inherits),
        "",
    ]
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "AUDIT-notes.md")
    if os.path.exists(notes):
        out.append(open(notes).read().rstrip("\n"))
        out.append("")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "AUDIT.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print("wrote", path, total, "rows", yes, "variable-capable")


if __name__ == "__main__":
    main()

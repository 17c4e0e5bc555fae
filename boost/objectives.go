package boost

// Objective names, as XGBoost spells them. The gradient code lives in the
// objective_*.go files; this file only names the objectives and says how
// their model output is linked to the margin.
const (
	ObjSquaredError     = "reg:squarederror"
	ObjSquaredLogError  = "reg:squaredlogerror"
	ObjRegLogistic      = "reg:logistic"
	ObjPseudoHuberError = "reg:pseudohubererror"
	ObjAbsoluteError    = "reg:absoluteerror"
	ObjBinaryLogistic   = "binary:logistic"
	ObjBinaryLogitRaw   = "binary:logitraw"
	ObjBinaryHinge      = "binary:hinge"
	ObjMultiSoftmax     = "multi:softmax"
	ObjMultiSoftprob    = "multi:softprob"
	ObjCountPoisson     = "count:poisson"
	ObjRegGamma         = "reg:gamma"
	ObjRegTweedie       = "reg:tweedie"
)

// ObjectiveNames returns every objective name the package knows, in a fixed
// order, as a fresh slice the caller may change.
func ObjectiveNames() []string {
	return []string{
		ObjSquaredError, ObjSquaredLogError, ObjRegLogistic, ObjPseudoHuberError,
		ObjAbsoluteError, ObjBinaryLogistic, ObjBinaryLogitRaw, ObjBinaryHinge,
		ObjMultiSoftmax, ObjMultiSoftprob, ObjCountPoisson, ObjRegGamma, ObjRegTweedie,
	}
}

// KnownObjective reports whether name is one of ObjectiveNames.
func KnownObjective(name string) bool {
	switch name {
	case ObjSquaredError, ObjSquaredLogError, ObjRegLogistic, ObjPseudoHuberError,
		ObjAbsoluteError, ObjBinaryLogistic, ObjBinaryLogitRaw, ObjBinaryHinge,
		ObjMultiSoftmax, ObjMultiSoftprob, ObjCountPoisson, ObjRegGamma, ObjRegTweedie:
		return true
	}
	return false
}

// ObjectiveParamKey is the name of the JSON object in which XGBoost 1.7
// saves the objective's parameters ("reg_loss_param", ...), and "" for
// objectives that save none.
func ObjectiveParamKey(objective string) string {
	switch objective {
	case ObjSquaredError, ObjSquaredLogError, ObjRegLogistic, ObjBinaryLogistic, ObjBinaryLogitRaw:
		return "reg_loss_param"
	case ObjPseudoHuberError:
		return "pseudo_huber_param"
	case ObjMultiSoftmax, ObjMultiSoftprob:
		return "softmax_multiclass_param"
	case ObjCountPoisson:
		return "poisson_regression_param"
	case ObjRegTweedie:
		return "tweedie_regression_param"
	}
	return ""
}

// DefaultObjParams returns the parameters XGBoost 1.7.4 writes for the
// objective when they are left at their defaults (numClass is used for the
// multi-class objectives).
func DefaultObjParams(objective string, numClass int) map[string]string {
	switch ObjectiveParamKey(objective) {
	case "reg_loss_param":
		return map[string]string{"scale_pos_weight": "1"}
	case "pseudo_huber_param":
		return map[string]string{"huber_slope": "1"}
	case "softmax_multiclass_param":
		return map[string]string{"num_class": itoa(numClass)}
	case "poisson_regression_param":
		return map[string]string{"max_delta_step": "0.699999988"}
	case "tweedie_regression_param":
		return map[string]string{"tweedie_variance_power": "1.5"}
	}
	return nil
}

type link int

const (
	linkIdentity link = iota
	linkLogit
	linkLog
)

// objectiveLink is how base_score maps to the margin.
func objectiveLink(objective string) link {
	switch objective {
	case ObjRegLogistic, ObjBinaryLogistic:
		return linkLogit
	case ObjCountPoisson, ObjRegGamma, ObjRegTweedie:
		return linkLog
	}
	return linkIdentity
}

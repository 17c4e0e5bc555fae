package steps

import (
	"fmt"
	"strings"
)

// frameworkAccounts holds the ECR registry accounts of the SageMaker
// scikit-learn and XGBoost images per region (the same accounts serve both
// families and the versions listed in ImageURI), as in the SDK's bundled
// image configuration.
var frameworkAccounts = map[string]string{
	"af-south-1":      "510948584623",
	"ap-east-1":       "651117190479",
	"ap-northeast-1":  "354813040037",
	"ap-northeast-2":  "366743142698",
	"ap-northeast-3":  "867004704886",
	"ap-south-1":      "720646828776",
	"ap-south-2":      "628508329040",
	"ap-southeast-1":  "121021644041",
	"ap-southeast-2":  "783357654285",
	"ap-southeast-3":  "951798379941",
	"ap-southeast-4":  "106583098589",
	"ca-central-1":    "341280168497",
	"ca-west-1":       "190319476487",
	"cn-north-1":      "450853457545",
	"cn-northwest-1":  "451049120500",
	"eu-central-1":    "492215442770",
	"eu-central-2":    "680994064768",
	"eu-north-1":      "662702820516",
	"eu-south-1":      "978288397137",
	"eu-south-2":      "104374241257",
	"eu-west-1":       "141502667606",
	"eu-west-2":       "764974769150",
	"eu-west-3":       "659782779980",
	"il-central-1":    "898809789911",
	"me-central-1":    "272398656194",
	"me-south-1":      "801668240914",
	"sa-east-1":       "737474898029",
	"us-east-1":       "683313688378",
	"us-east-2":       "257758044811",
	"us-gov-east-1":   "237065988967",
	"us-gov-west-1":   "414596584902",
	"us-iso-east-1":   "833128469047",
	"us-isob-east-1":  "281123927165",
	"us-isof-east-1":  "108575199400",
	"us-isof-south-1": "124985052026",
	"us-west-1":       "746614075791",
	"us-west-2":       "246618743249",
}

// ImageURI returns the URI of a SageMaker framework image, as the SDK's
// image_uris.retrieve does for CPU instances: framework "sklearn" (e.g.
// version "1.0-1" → ".../sagemaker-scikit-learn:1.0-1-cpu-py3") or
// "xgboost" (version "1.7-1" → ".../sagemaker-xgboost:1.7-1"). An unknown
// framework or region is an error wrapping ErrInvalid.
func ImageURI(framework, version, region string) (string, error) {
	account, ok := frameworkAccounts[region]
	if !ok {
		return "", fmt.Errorf("%w: no %s image registry known for region %q", ErrInvalid, framework, region)
	}
	host := account + ".dkr.ecr." + region + "." + ecrDomain(region)
	switch framework {
	case "sklearn":
		return host + "/sagemaker-scikit-learn:" + version + "-cpu-py3", nil
	case "xgboost":
		return host + "/sagemaker-xgboost:" + version, nil
	}
	return "", fmt.Errorf("%w: unknown framework %q (want sklearn or xgboost)", ErrInvalid, framework)
}

// ecrDomain is the DNS suffix of a region's endpoints.
func ecrDomain(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "sc2s.sgov.gov"
	case strings.HasPrefix(region, "us-isof-"):
		return "csp.hci.ic.gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "c2s.ic.gov"
	}
	return "amazonaws.com"
}

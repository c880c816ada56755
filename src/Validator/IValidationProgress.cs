using Harness.Core;

namespace Harness.Validator;

/// <summary>What a validation run tells its caller as it goes.</summary>
public interface IValidationProgress
{
    void DeviceChosen(DeviceChoice choice);
    void SiteStarted(string site);
    void RowsScored(long rowsSoFar);
}

namespace Harness.Synth;

/// <summary>
/// ECGSYN, the dynamical model of the electrocardiogram of P. E. McSharry, G. D. Clifford,
/// L. Tarassenko and L. A. Smith, "A dynamical model for generating synthetic electrocardiogram
/// signals", IEEE Trans. Biomed. Eng. 50(3):289-294, 2003. A point (x, y) circles the attracting
/// limit cycle of radius 1 once per beat, at angular speed 2 pi / RR of the beat in progress; each
/// wave (P, Q, R, S, T) is a Gaussian event at a fixed angle that pushes z up or down as the point
/// passes it, and z relaxes to the baseline in between:
/// <code>
/// dx/dt = a x - w y,   dy/dt = a y + w x,   a = 1 - sqrt(x^2 + y^2),   w = 2 pi / RR
/// dz/dt = - sum_i a_i dtheta_i exp(-dtheta_i^2 / (2 b_i^2)) - z,   dtheta_i = (theta - theta_i) wrapped to [-pi, pi)
/// </code>
/// with the paper's angles, amplitudes a_i and widths b_i (Table 1), the widths and the P, Q, S, T
/// angles scaled with the mean heart rate as the authors' ecgsyn.m does, integrated by fourth-order
/// Runge-Kutta at an internal rate of at least 500 Hz and downsampled by keeping every k-th sample, as
/// ecgsyn.m does. The baseline wander (the paper's z0) is left to the caller. z is linear in the
/// amplitudes, so each wave's own z is returned and a lead is any weighted sum of them.
/// </summary>
internal static class Ecgsyn
{
    /// <summary>P, Q, R, S, T.</summary>
    public const int Waves = 5;

    public static readonly double[] AnglesDegrees = [-70, -15, 0, 15, 100];
    public static readonly double[] Amplitudes = [1.2, -5, 30, -7.5, 0.75];
    public static readonly double[] Widths = [0.25, 0.1, 0.1, 0.1, 0.4];

    private const double MinInternalRateHz = 500;

    /// <summary>
    /// Each wave's contribution to z, [wave][sample], <paramref name="samples"/> samples at
    /// <paramref name="rateHz"/>. <paramref name="rrSeconds"/> are the successive beat intervals
    /// (they must cover the duration); the model starts at angle <paramref name="startAngle"/> (0 is the R peak).
    /// </summary>
    public static double[][] Simulate(ReadOnlySpan<double> rrSeconds, int rateHz, int samples, double startAngle)
    {
        double meanRr = 0;
        foreach (double rr in rrSeconds) meanRr += rr;
        meanRr /= rrSeconds.Length;
        double heartRate = 60 / meanRr, hrFactor = Math.Sqrt(heartRate / 60), hrFactor2 = Math.Sqrt(hrFactor);
        double[] angleScale = [hrFactor2, hrFactor, 1, hrFactor, hrFactor2];
        Span<double> theta = stackalloc double[Waves], width = stackalloc double[Waves];
        for (int i = 0; i < Waves; i++)
        {
            theta[i] = AnglesDegrees[i] * Math.PI / 180 * angleScale[i];
            width[i] = Widths[i] * hrFactor;
        }

        int every = (int)Math.Ceiling(MinInternalRateHz / rateHz);
        double h = 1.0 / (rateHz * every);
        var z = new double[Waves][];
        for (int i = 0; i < Waves; i++) z[i] = new double[samples];

        // State: x, y, then one z per wave.
        Span<double> state = stackalloc double[2 + Waves], k1 = stackalloc double[2 + Waves], k2 = stackalloc double[2 + Waves],
            k3 = stackalloc double[2 + Waves], k4 = stackalloc double[2 + Waves], probe = stackalloc double[2 + Waves];
        state.Clear();
        state[0] = Math.Cos(startAngle);
        state[1] = Math.Sin(startAngle);
        int beat = 0;
        double beatEnd = rrSeconds[0];
        for (int step = 0, sample = 0; sample < samples; step++)
        {
            double t = step * h;
            if (step % every == 0)
            {
                for (int i = 0; i < Waves; i++) z[i][sample] = state[2 + i];
                sample++;
            }
            while (t >= beatEnd && beat < rrSeconds.Length - 1) beatEnd += rrSeconds[++beat];
            double omega = 2 * Math.PI / rrSeconds[beat]; // held over the step, as ecgsyn.m holds RR over its grid
            Derivative(state, omega, theta, width, k1);
            Advance(state, k1, h / 2, probe);
            Derivative(probe, omega, theta, width, k2);
            Advance(state, k2, h / 2, probe);
            Derivative(probe, omega, theta, width, k3);
            Advance(state, k3, h, probe);
            Derivative(probe, omega, theta, width, k4);
            for (int j = 0; j < state.Length; j++) state[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        }
        return z;
    }

    private static void Advance(ReadOnlySpan<double> state, ReadOnlySpan<double> slope, double h, Span<double> into)
    {
        for (int j = 0; j < state.Length; j++) into[j] = state[j] + h * slope[j];
    }

    private static void Derivative(ReadOnlySpan<double> s, double omega, ReadOnlySpan<double> theta, ReadOnlySpan<double> width, Span<double> d)
    {
        double x = s[0], y = s[1], alpha = 1 - Math.Sqrt(x * x + y * y), angle = Math.Atan2(y, x);
        d[0] = alpha * x - omega * y;
        d[1] = alpha * y + omega * x;
        for (int i = 0; i < Waves; i++)
        {
            double dTheta = angle - theta[i];
            dTheta -= 2 * Math.PI * Math.Floor((dTheta + Math.PI) / (2 * Math.PI));
            d[2 + i] = -Amplitudes[i] * dTheta * Math.Exp(-dTheta * dTheta / (2 * width[i] * width[i])) - s[2 + i];
        }
    }
}

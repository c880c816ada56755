namespace Harness.Synth;

/// <summary>
/// How one beat departs from ECGSYN's template: the height of its P wave, of its QRS complex and of
/// its T wave as factors (0 removes a wave, a negative factor inverts it), and the width of its QRS
/// complex as a factor. A premature ventricular beat, for one, has no P wave, a wide QRS complex and
/// a T wave opposite to it.
/// </summary>
internal readonly record struct BeatShape(double P, double Qrs, double T, double QrsWidth)
{
    public static readonly BeatShape Normal = new(1, 1, 1, 1);

    /// <summary>A QRS complex wider than the template's: a beat that does not travel the bundle branches, as a ventricular one.</summary>
    public bool WideQrs => QrsWidth != 1;

    /// <summary>The factor on wave <paramref name="wave"/>'s amplitude (P, Q, R, S, T) that gives these heights: a wave's height grows with its amplitude times its width squared.</summary>
    public double AmplitudeFactor(int wave) => wave switch
    {
        0 => P,
        4 => T,
        _ => Qrs / (QrsWidth * QrsWidth),
    };

    public double WidthFactor(int wave) => wave is >= 1 and <= 3 ? QrsWidth : 1;
}

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
/// Unlike ecgsyn.m, which switches RR by time, a beat's RR takes over as the point passes the R peak
/// of the beat before, so the times between R peaks are exactly the RR intervals given (a premature
/// beat comes early by exactly its shortening); and each beat may have its own <see cref="BeatShape"/>,
/// which takes over midway between the T wave of the beat before and its own P wave.
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
    /// <paramref name="rateHz"/>. <paramref name="rrSeconds"/>[j] is the interval from beat j - 1's R
    /// peak to beat j's, and <paramref name="shapes"/>[j] beat j's shape (all normal when null); both
    /// must cover the duration, else the last holds. The model starts at angle
    /// <paramref name="startAngle"/> (0 is the R peak), within beat 0 or just after it.
    /// <paramref name="beatOfSample"/>, when given, receives the beat whose shape holds at each sample.
    /// </summary>
    public static double[][] Simulate(ReadOnlySpan<double> rrSeconds, int rateHz, int samples, double startAngle,
        IReadOnlyList<BeatShape>? shapes = null, Span<int> beatOfSample = default)
    {
        double meanRr = 0;
        foreach (double rr in rrSeconds) meanRr += rr;
        meanRr /= rrSeconds.Length;
        double heartRate = 60 / meanRr, hrFactor = Math.Sqrt(heartRate / 60), hrFactor2 = Math.Sqrt(hrFactor);
        double[] angleScale = [hrFactor2, hrFactor, 1, hrFactor, hrFactor2];
        Span<double> theta = stackalloc double[Waves], baseWidth = stackalloc double[Waves], amplitude = stackalloc double[Waves], width = stackalloc double[Waves];
        for (int i = 0; i < Waves; i++)
        {
            theta[i] = AnglesDegrees[i] * Math.PI / 180 * angleScale[i];
            baseWidth[i] = Widths[i] * hrFactor;
        }
        // Where one beat's shape gives way to the next: midway from the T wave round to the P wave.
        double boundary = (theta[4] + theta[0] + 2 * Math.PI) / 2;

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
        // Between the R peak and the boundary the point is still in the beat before beat 0, which looks like beat 0.
        int beat = 0, shape = Turn(startAngle) < Turn(boundary) ? -1 : 0;
        SetShape(Shape(shapes, shape), baseWidth, amplitude, width);
        double lastAngle = Wrap(startAngle);
        for (int step = 0, sample = 0; sample < samples; step++)
        {
            if (step % every == 0)
            {
                for (int i = 0; i < Waves; i++) z[i][sample] = state[2 + i];
                if (!beatOfSample.IsEmpty) beatOfSample[sample] = Math.Max(shape, 0);
                sample++;
            }
            double angle = Math.Atan2(state[1], state[0]);
            if (lastAngle < 0 && angle >= 0) beat = Math.Min(beat + 1, rrSeconds.Length - 1);
            if (Wrap(lastAngle - boundary) < 0 && Wrap(angle - boundary) >= 0) SetShape(Shape(shapes, ++shape), baseWidth, amplitude, width);
            lastAngle = angle;
            double omega = 2 * Math.PI / rrSeconds[beat]; // held over the step, as ecgsyn.m holds RR over its grid
            Derivative(state, omega, theta, amplitude, width, k1);
            Advance(state, k1, h / 2, probe);
            Derivative(probe, omega, theta, amplitude, width, k2);
            Advance(state, k2, h / 2, probe);
            Derivative(probe, omega, theta, amplitude, width, k3);
            Advance(state, k3, h, probe);
            Derivative(probe, omega, theta, amplitude, width, k4);
            for (int j = 0; j < state.Length; j++) state[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        }
        return z;
    }

    private static BeatShape Shape(IReadOnlyList<BeatShape>? shapes, int beat) =>
        shapes is null || shapes.Count == 0 ? BeatShape.Normal : shapes[Math.Clamp(beat, 0, shapes.Count - 1)];

    private static void SetShape(BeatShape shape, ReadOnlySpan<double> baseWidth, Span<double> amplitude, Span<double> width)
    {
        for (int i = 0; i < Waves; i++)
        {
            amplitude[i] = Amplitudes[i] * shape.AmplitudeFactor(i);
            width[i] = baseWidth[i] * shape.WidthFactor(i);
        }
    }

    /// <summary>An angle wrapped to [-pi, pi).</summary>
    private static double Wrap(double angle) => angle - 2 * Math.PI * Math.Floor((angle + Math.PI) / (2 * Math.PI));

    /// <summary>An angle as the part of a turn from 0 onwards, in [0, 2 pi).</summary>
    private static double Turn(double angle) => angle - 2 * Math.PI * Math.Floor(angle / (2 * Math.PI));

    private static void Advance(ReadOnlySpan<double> state, ReadOnlySpan<double> slope, double h, Span<double> into)
    {
        for (int j = 0; j < state.Length; j++) into[j] = state[j] + h * slope[j];
    }

    private static void Derivative(ReadOnlySpan<double> s, double omega, ReadOnlySpan<double> theta, ReadOnlySpan<double> amplitude, ReadOnlySpan<double> width, Span<double> d)
    {
        double x = s[0], y = s[1], alpha = 1 - Math.Sqrt(x * x + y * y), angle = Math.Atan2(y, x);
        d[0] = alpha * x - omega * y;
        d[1] = alpha * y + omega * x;
        for (int i = 0; i < Waves; i++)
        {
            double dTheta = Wrap(angle - theta[i]);
            d[2 + i] = -amplitude[i] * dTheta * Math.Exp(-dTheta * dTheta / (2 * width[i] * width[i])) - s[2 + i];
        }
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// Temperature scaling (Guo et al. 2017): the logits divided by one temperature T &gt; 0 before the
/// softmax, T fitted by minimising the log loss on held-out rows. Class ranking, hence AUROC, is
/// unchanged; T &gt; 1 softens over-confident risks (as label smoothing's are not, but an overfitted
/// network's are), T &lt; 1 sharpens the under-confident risks label smoothing leaves.
/// </summary>
public sealed class TemperatureScaling : nn.Module<Tensor, Tensor>
{
    // A buffer: saved with the model and moved with it, never trained by the optimiser.
    private readonly Tensor temperature;

    public TemperatureScaling() : base(nameof(TemperatureScaling))
    {
        temperature = tensor(1f);
        RegisterComponents();
    }

    /// <summary>The temperature as a scalar tensor (what the ONNX graph divides by).</summary>
    public Tensor Temperature => temperature;

    public double Value
    {
        get => temperature.cpu().item<float>();
        set
        {
            using var noGrad = no_grad();
            temperature.fill_((float)value);
        }
    }

    public override Tensor forward(Tensor logits) => logits / temperature;

    /// <summary>Largest 1/T considered: T below 0.01 only means the held-out rows are separated perfectly.</summary>
    public const double MaxInverse = 100;

    /// <summary>
    /// The T minimising the mean of -log softmax(z / T)[y] over the rows (row-major logits
    /// [rows, classes]). With b = 1/T the loss, mean(logsumexp(b z) - b z_y), is convex in b, so
    /// Newton's method on b (gradient mean(E_p[z] - z_y), curvature mean(Var_p[z])), halving any
    /// step that does not lower the loss, finds the minimum; b stays in (0, <see cref="MaxInverse"/>].
    /// </summary>
    public static double Fit(float[] logits, int[] labels, int classes)
    {
        if (labels.Length == 0 || logits.Length != labels.Length * classes)
            throw new ArgumentException("One row of logits per label is needed.", nameof(logits));
        double b = 1, loss = Loss(logits, labels, classes, b, out double gradient, out double curvature);
        for (int iteration = 0; iteration < 100 && curvature > 1e-12; iteration++)
        {
            double step = gradient / curvature, next = Math.Clamp(b - step, b / 10, MaxInverse);
            double nextLoss = Loss(logits, labels, classes, next, out double nextGradient, out double nextCurvature);
            for (int halving = 0; nextLoss > loss && halving < 50; halving++)
            {
                next = (b + next) / 2;
                nextLoss = Loss(logits, labels, classes, next, out nextGradient, out nextCurvature);
            }
            bool converged = Math.Abs(next - b) <= 1e-12 * Math.Max(1, b);
            (b, loss, gradient, curvature) = (next, nextLoss, nextGradient, nextCurvature);
            if (converged) break;
        }
        // Held-out rows the model separates perfectly: the loss falls for ever as T shrinks, and the curvature vanishes first.
        if (gradient < 0 && curvature <= 1e-12) b = MaxInverse;
        return 1 / b;
    }

    /// <summary>Mean log loss at inverse temperature <paramref name="b"/>, with its first and second derivatives in b.</summary>
    internal static double Loss(float[] logits, int[] labels, int classes, double b, out double gradient, out double curvature)
    {
        double loss = 0;
        gradient = curvature = 0;
        var p = new double[classes];
        for (int r = 0; r < labels.Length; r++)
        {
            var z = logits.AsSpan(r * classes, classes);
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, b * z[c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[c] = Math.Exp(b * z[c] - max);
            double mean = 0, square = 0;
            for (int c = 0; c < classes; c++)
            {
                p[c] /= sum;
                mean += p[c] * z[c];
                square += p[c] * z[c] * z[c];
            }
            loss += max + Math.Log(sum) - b * z[labels[r]];
            gradient += mean - z[labels[r]];
            curvature += square - mean * mean;
        }
        gradient /= labels.Length;
        curvature /= labels.Length;
        return loss / labels.Length;
    }
}

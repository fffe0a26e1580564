using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// A point-region quadtree over 2-D points for Barnes–Hut t-SNE, stored in a flat array of nodes and rebuilt in
/// place every iteration (no allocation once its arrays have grown). Each node keeps its cell (centre,
/// half-width), its point count and its points' centre of mass, together in one 48-byte record so that a visit
/// touches one cache line. Leaves hold one point, or several that share a position, or several within a cell of
/// the maximum depth. Built sequentially in point order, so its shape depends only on the coordinates; queries
/// are read-only and may run on many threads.
/// </summary>
internal sealed class QuadTree
{
    /// <summary>The deepest level; cells there are 2⁻³² of the root's width.</summary>
    public const int MaxDepth = 32;

    private Node[] _nodes = [];
    private double[] _sumX = [];
    private double[] _sumY = [];
    private int[] _firstPoint = [];
    private int[] _depth = [];
    private int[] _nextPoint = [];
    private int[] _leafOf = [];
    private int _nodeCount;

    /// <summary>The size an explicit traversal stack needs.</summary>
    public static int StackSize => (3 * MaxDepth) + 8;

    /// <summary>Rebuilds the tree over points (x[i], y[i]).</summary>
    public void Build(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (_nextPoint.Length < n)
        {
            _nextPoint = new int[n];
            _leafOf = new int[n];
        }

        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity;
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, x[i]);
            maxX = Math.Max(maxX, x[i]);
            minY = Math.Min(minY, y[i]);
            maxY = Math.Max(maxY, y[i]);
        }

        double half = Math.Max(Math.Max(maxX - minX, maxY - minY) * 0.5, 1e-12) * (1 + 1e-6);
        _nodeCount = 0;
        int root = NewNodes(1);
        InitNode(root, (minX + maxX) * 0.5, (minY + maxY) * 0.5, half, 0);
        for (int i = 0; i < n; i++)
        {
            Insert(root, i, x[i], y[i], x, y);
        }

        for (int node = 0; node < _nodeCount; node++)
        {
            ref Node current = ref _nodes[node];
            if (current.Count > 0)
            {
                current.MassX = _sumX[node] / current.Count;
                current.MassY = _sumY[node] / current.Count;
            }
        }
    }

    /// <summary>
    /// The repulsive terms for point <paramref name="i"/> at (xi, yi): Σ_j w_ij and Σ_j w_ij²·(y_i − y_j) over all
    /// j ≠ i, with w = 1 / (1 + ‖y_i − y_j‖²), cells of full width <c>w_c</c> whose centre of mass is at distance r
    /// summarised when w_c² &lt; θ²·r² and the cell does not contain the point. θ = 0 is exact.
    /// </summary>
    public void Repulsion(int i, double xi, double yi, double thetaSquared, int[] stack, out double z, out double fx, out double fy)
    {
        double sz = 0, sx = 0, sy = 0;
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        int top = 0;
        stack[top++] = 0;
        int leafOfI = _leafOf[i];
        while (top > 0)
        {
            int index = stack[--top];
            ref Node node = ref Unsafe.Add(ref nodes, index);
            int first = node.FirstChild;
            if (first < 0)
            {
                double mass = node.Count;
                double cx = node.MassX;
                double cy = node.MassY;
                if (index == leafOfI)
                {
                    mass = node.Count - 1;
                    if (mass == 0)
                    {
                        continue;
                    }

                    cx = (_sumX[index] - xi) / mass;
                    cy = (_sumY[index] - yi) / mass;
                }

                Accumulate(xi - cx, yi - cy, mass, ref sz, ref sx, ref sy);
                continue;
            }

            double dx = xi - node.MassX;
            double dy = yi - node.MassY;
            double d2 = (dx * dx) + (dy * dy);
            double h = node.HalfWidth;
            if (4 * h * h < thetaSquared * d2 && (Math.Abs(xi - node.CenterX) > h || Math.Abs(yi - node.CenterY) > h))
            {
                Accumulate(dx, dy, node.Count, ref sz, ref sx, ref sy);
                continue;
            }

            for (int c = first + 3; c >= first; c--)
            {
                if (Unsafe.Add(ref nodes, c).Count > 0)
                {
                    stack[top++] = c;
                }
            }
        }

        z = sz;
        fx = sx;
        fy = sy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(double dx, double dy, double mass, ref double z, ref double fx, ref double fy)
    {
        double w = 1 / (1 + (dx * dx) + (dy * dy));
        double m = mass * w;
        z += m;
        m *= w;
        fx += m * dx;
        fy += m * dy;
    }

    private void Insert(int node, int point, double px, double py, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        while (true)
        {
            _nodes[node].Count++;
            _sumX[node] += px;
            _sumY[node] += py;
            if (_nodes[node].FirstChild >= 0)
            {
                node = Child(node, px, py);
                continue;
            }

            int head = _firstPoint[node];
            if (head < 0 || _depth[node] >= MaxDepth || (x[head] == px && y[head] == py))
            {
                _nextPoint[point] = head;
                _firstPoint[node] = point;
                _leafOf[point] = node;
                return;
            }

            // Split: the leaf's points (all at one position) move to the child that holds that position.
            int children = NewNodes(4);
            double h = _nodes[node].HalfWidth * 0.5;
            double cx = _nodes[node].CenterX;
            double cy = _nodes[node].CenterY;
            int depth = _depth[node] + 1;
            InitNode(children, cx - h, cy - h, h, depth);
            InitNode(children + 1, cx + h, cy - h, h, depth);
            InitNode(children + 2, cx - h, cy + h, h, depth);
            InitNode(children + 3, cx + h, cy + h, h, depth);
            _nodes[node].FirstChild = children;
            _firstPoint[node] = -1;
            int target = Child(node, x[head], y[head]);
            for (int q = head; q >= 0;)
            {
                int next = _nextPoint[q];
                _nodes[target].Count++;
                _sumX[target] += x[q];
                _sumY[target] += y[q];
                _nextPoint[q] = _firstPoint[target];
                _firstPoint[target] = q;
                _leafOf[q] = target;
                q = next;
            }

            node = Child(node, px, py);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Child(int node, double px, double py)
    {
        ref Node n = ref _nodes[node];
        return n.FirstChild + (px >= n.CenterX ? 1 : 0) + (py >= n.CenterY ? 2 : 0);
    }

    private void InitNode(int node, double cx, double cy, double half, int depth)
    {
        _nodes[node] = new Node { CenterX = cx, CenterY = cy, HalfWidth = half, FirstChild = -1 };
        _sumX[node] = 0;
        _sumY[node] = 0;
        _firstPoint[node] = -1;
        _depth[node] = depth;
    }

    private int NewNodes(int count)
    {
        int start = _nodeCount;
        int needed = start + count;
        if (needed > _nodes.Length)
        {
            int capacity = Math.Max(needed, Math.Max(64, _nodes.Length * 2));
            Array.Resize(ref _nodes, capacity);
            Array.Resize(ref _sumX, capacity);
            Array.Resize(ref _sumY, capacity);
            Array.Resize(ref _firstPoint, capacity);
            Array.Resize(ref _depth, capacity);
        }

        _nodeCount = needed;
        return start;
    }

    /// <summary>What a traversal reads of a node.</summary>
    private struct Node
    {
        public double MassX;
        public double MassY;
        public double CenterX;
        public double CenterY;
        public double HalfWidth;
        public int Count;
        public int FirstChild;
    }
}

using Seedtex.Cache;
using Seedtex.Cache.Testing;

// Commands (all print one result line on stdout; exit code 0 = no error, 2 = a served entry was wrong):
//   mixed STORE WORKER OPS KEYS SIZE  random gets and puts over keys 0..KEYS-1; prints "puts=a,b,... hits=H misses=M"
//   write-forever STORE FIRST SIZE    prints "ready", then writes entries FIRST, FIRST+1, ... until killed
switch (args[0])
{
    case "mixed":
    {
        var store = new DiskStore(args[1]);
        int worker = int.Parse(args[2]), ops = int.Parse(args[3]), keys = int.Parse(args[4]), size = int.Parse(args[5]);
        var random = new Random(worker * 7919);
        var puts = new SortedSet<int>();
        int hits = 0, misses = 0;
        for (int i = 0; i < ops; i++)
        {
            int n = random.Next(keys);
            if (random.Next(2) == 0)
            {
                store.Put(TestEntries.Key(n, size), TestEntries.Entry(n, size));
                puts.Add(n);
            }
            else if (store.TryGet(TestEntries.Key(n, size)) is { } hit)
            {
                if (!TestEntries.Matches(hit.Entry, n, size))
                {
                    Console.WriteLine($"wrong entry served for {n}");
                    return 2;
                }
                hits++;
            }
            else
                misses++;
        }
        Console.WriteLine($"puts={string.Join(',', puts)} hits={hits} misses={misses}");
        return 0;
    }
    case "write-forever":
    {
        var store = new DiskStore(args[1]);
        int first = int.Parse(args[2]), size = int.Parse(args[3]);
        Console.WriteLine("ready");
        for (int n = first; ; n++)
            store.Put(TestEntries.Key(n, size), TestEntries.Entry(n, size));
    }
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 1;
}

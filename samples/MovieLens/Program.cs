Console.WriteLine("CollaborativeFiltering MovieLens sample");

namespace CollaborativeFiltering.Persistence;

/// <summary>A model with a file format of its own, which <see cref="ModelFile.Save(IRecommenderModel, string)"/> writes.</summary>
internal interface IStoredModel
{
    /// <summary>Writes the model in its format (magic first) at the stream's position.</summary>
    void Write(Stream stream);
}

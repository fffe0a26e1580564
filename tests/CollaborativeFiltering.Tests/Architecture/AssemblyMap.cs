using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>A top-level type of the library: its name, namespace, whether it is public, and the source folder it is declared in ("" for the project root, "Factorization/Als", ...).</summary>
public sealed record LibraryType(string Name, string Namespace, bool IsPublic, string Folder)
{
    /// <summary>The feature the folder belongs to: its first segment ("" for the root).</summary>
    public string Area => Folder.Split('/')[0];

    public override string ToString() => $"{Folder}/{Name}";
}

/// <summary>One type using another (in a signature, a base type, an attribute or a method body).</summary>
public sealed record TypeReference(LibraryType From, LibraryType To);

/// <summary>
/// What the compiled library says about its own shape, read from the built assembly's metadata and IL
/// and its portable PDB (no reflection loading): every top-level type with the folder of its source
/// files, and every reference from one top-level type to another. Nested types (closures, state
/// machines, generated logging code) count as their top-level type.
/// </summary>
public sealed class AssemblyMap
{
    private static readonly Guid TypeDefinitionDocumentsKind = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private AssemblyMap(IReadOnlyList<LibraryType> types, IReadOnlyList<TypeReference> references)
    {
        Types = types;
        References = references;
    }

    /// <summary>The library's top-level types that come from its own source files.</summary>
    public IReadOnlyList<LibraryType> Types { get; }

    /// <summary>The distinct references between different top-level types.</summary>
    public IReadOnlyList<TypeReference> References { get; }

    /// <summary>Reads the assembly at <paramref name="assemblyPath"/> and the portable PDB beside it; <paramref name="sourceRoot"/> is the project folder's path suffix, e.g. <c>src/CollaborativeFiltering/</c>.</summary>
    public static AssemblyMap Read(string assemblyPath, string sourceRoot)
    {
        using var peStream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(peStream);
        MetadataReader md = pe.GetMetadataReader();
        using var pdbStream = File.OpenRead(Path.ChangeExtension(assemblyPath, ".pdb"));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        MetadataReader pdb = pdbProvider.GetMetadataReader();

        var folders = new Dictionary<TypeDefinitionHandle, HashSet<string>>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinitionHandle top = TopLevel(md, handle);
            if (!folders.TryGetValue(top, out var set))
            {
                folders[top] = set = [];
            }

            foreach (DocumentHandle document in Documents(md, pdb, handle))
            {
                if (FolderOf(pdb.GetString(pdb.GetDocument(document).Name), sourceRoot) is { } folder)
                {
                    set.Add(folder);
                }
            }
        }

        var types = new Dictionary<TypeDefinitionHandle, LibraryType>();
        foreach (var (handle, set) in folders)
        {
            if (set.Count == 0)
            {
                continue; // compiler infrastructure (<PrivateImplementationDetails>, embedded attributes): no source of ours
            }

            if (set.Count > 1)
            {
                throw new InvalidOperationException($"{Name(md, handle)} is declared in several folders: {string.Join(", ", set)}");
            }

            TypeDefinition type = md.GetTypeDefinition(handle);
            bool isPublic = (type.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public;
            types[handle] = new LibraryType(md.GetString(type.Name), md.GetString(type.Namespace), isPublic, set.Single());
        }

        var references = new HashSet<TypeReference>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            if (!types.TryGetValue(TopLevel(md, handle), out LibraryType? from))
            {
                continue;
            }

            var used = new HashSet<TypeDefinitionHandle>();
            CollectUses(md, pe, handle, used);
            foreach (TypeDefinitionHandle target in used)
            {
                if (types.TryGetValue(TopLevel(md, target), out LibraryType? to) && to != from)
                {
                    references.Add(new TypeReference(from, to));
                }
            }
        }

        return new AssemblyMap([.. types.Values.OrderBy(t => t.ToString(), StringComparer.Ordinal)], [.. references]);
    }

    /// <summary>The folder of a source path relative to the project folder, or null for a file outside it (generated code).</summary>
    internal static string? FolderOf(string path, string sourceRoot)
    {
        path = path.Replace('\\', '/');
        int at = path.LastIndexOf(sourceRoot, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        string relative = path[(at + sourceRoot.Length)..];
        if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
        {
            return null;
        }

        int slash = relative.LastIndexOf('/');
        return slash < 0 ? "" : relative[..slash];
    }

    private static TypeDefinitionHandle TopLevel(MetadataReader md, TypeDefinitionHandle handle)
    {
        while (md.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer)
        {
            handle = outer;
        }

        return handle;
    }

    private static string Name(MetadataReader md, TypeDefinitionHandle handle)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        return md.GetString(type.Namespace) + "." + md.GetString(type.Name);
    }

    /// <summary>The source documents of a type: those of its methods' sequence points, and for a type without method bodies the documents the compiler records for it.</summary>
    private static IEnumerable<DocumentHandle> Documents(MetadataReader md, MetadataReader pdb, TypeDefinitionHandle handle)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        foreach (MethodDefinitionHandle method in type.GetMethods())
        {
            MethodDebugInformation info = pdb.GetMethodDebugInformation(method);
            if (!info.Document.IsNil)
            {
                yield return info.Document;
            }
            else if (!info.SequencePointsBlob.IsNil)
            {
                foreach (SequencePoint point in info.GetSequencePoints())
                {
                    yield return point.Document;
                }
            }
        }

        foreach (CustomDebugInformationHandle cdi in pdb.GetCustomDebugInformation(handle))
        {
            CustomDebugInformation information = pdb.GetCustomDebugInformation(cdi);
            if (pdb.GetGuid(information.Kind) != TypeDefinitionDocumentsKind)
            {
                continue;
            }

            BlobReader blob = pdb.GetBlobReader(information.Value);
            while (blob.RemainingBytes > 0)
            {
                yield return MetadataTokens.DocumentHandle(blob.ReadCompressedInteger());
            }
        }
    }

    /// <summary>Every type definition <paramref name="handle"/> (not its nested types) uses: base type, interfaces, generic constraints, attributes, field and method signatures, locals and the tokens in its method bodies.</summary>
    private static void CollectUses(MetadataReader md, PEReader pe, TypeDefinitionHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        var provider = new UseCollector(md, used);
        TypeDefinition type = md.GetTypeDefinition(handle);
        AddType(md, type.BaseType, provider);
        foreach (InterfaceImplementationHandle implementation in type.GetInterfaceImplementations())
        {
            AddType(md, md.GetInterfaceImplementation(implementation).Interface, provider);
        }

        AddAttributes(md, type.GetCustomAttributes(), provider);
        AddGenericParameters(md, type.GetGenericParameters(), provider);
        foreach (FieldDefinitionHandle field in type.GetFields())
        {
            FieldDefinition definition = md.GetFieldDefinition(field);
            definition.DecodeSignature(provider, null);
            AddAttributes(md, definition.GetCustomAttributes(), provider);
        }

        foreach (PropertyDefinitionHandle property in type.GetProperties())
        {
            PropertyDefinition definition = md.GetPropertyDefinition(property);
            definition.DecodeSignature(provider, null);
            AddAttributes(md, definition.GetCustomAttributes(), provider);
        }

        foreach (MethodDefinitionHandle method in type.GetMethods())
        {
            MethodDefinition definition = md.GetMethodDefinition(method);
            definition.DecodeSignature(provider, null);
            AddAttributes(md, definition.GetCustomAttributes(), provider);
            AddGenericParameters(md, definition.GetGenericParameters(), provider);
            foreach (ParameterHandle parameter in definition.GetParameters())
            {
                AddAttributes(md, md.GetParameter(parameter).GetCustomAttributes(), provider);
            }

            if (definition.RelativeVirtualAddress != 0)
            {
                AddBody(md, pe.GetMethodBody(definition.RelativeVirtualAddress), provider);
            }
        }

        foreach (MethodImplementationHandle implementation in type.GetMethodImplementations())
        {
            AddType(md, md.GetMethodImplementation(implementation).MethodDeclaration, provider);
        }
    }

    private static void AddAttributes(MetadataReader md, CustomAttributeHandleCollection attributes, UseCollector provider)
    {
        foreach (CustomAttributeHandle attribute in attributes)
        {
            AddType(md, md.GetCustomAttribute(attribute).Constructor, provider);
        }
    }

    private static void AddGenericParameters(MetadataReader md, GenericParameterHandleCollection parameters, UseCollector provider)
    {
        foreach (GenericParameterHandle parameter in parameters)
        {
            foreach (GenericParameterConstraintHandle constraint in md.GetGenericParameter(parameter).GetConstraints())
            {
                AddType(md, md.GetGenericParameterConstraint(constraint).Type, provider);
            }
        }
    }

    private static void AddBody(MetadataReader md, MethodBodyBlock body, UseCollector provider)
    {
        if (!body.LocalSignature.IsNil)
        {
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        }

        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            if (!OpCodesByValue.TryGetValue(value, out OpCode opCode))
            {
                throw new InvalidOperationException($"Unknown IL opcode 0x{value:X4} at offset {il.Offset}.");
            }
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read first: il.Offset += … would read the offset before the count
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    AddType(md, MetadataTokens.EntityHandle(il.ReadInt32()), provider);
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>Records the library types an entity names: a type, or a member's declaring type and signature.</summary>
    private static void AddType(MetadataReader md, EntityHandle handle, UseCollector provider)
    {
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                provider.Used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                break;
            case HandleKind.FieldDefinition:
                provider.Used.Add(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MethodDefinition:
                provider.Used.Add(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                AddType(md, member.Parent, provider);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(provider, null);
                }
                else
                {
                    member.DecodeFieldSignature(provider, null);
                }

                break;
            case HandleKind.MethodSpecification:
                MethodSpecification specification = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddType(md, specification.Method, provider);
                specification.DecodeSignature(provider, null);
                break;
            default: // TypeReference (another assembly), signatures without library types
                break;
        }
    }

    /// <summary>A signature decoder that records the library's type definitions it meets.</summary>
    private sealed class UseCollector(MetadataReader md, HashSet<TypeDefinitionHandle> used) : ISignatureTypeProvider<object?, object?>
    {
        public HashSet<TypeDefinitionHandle> Used { get; } = used;

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Used.Add(handle);
            return null;
        }

        public object? GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => null;

        public object? GetArrayType(object? elementType, ArrayShape shape) => null;

        public object? GetByReferenceType(object? elementType) => null;

        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;

        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;

        public object? GetGenericMethodParameter(object? genericContext, int index) => null;

        public object? GetGenericTypeParameter(object? genericContext, int index) => null;

        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;

        public object? GetPinnedType(object? elementType) => null;

        public object? GetPointerType(object? elementType) => null;

        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;

        public object? GetSZArrayType(object? elementType) => null;
    }
}

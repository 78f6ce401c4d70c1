package org.sparetire.core.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML file into an {@link AppConfig}. Uses snakeyaml's node API (not object mapping) so every
 * value keeps its line and column, and binds by hand so that every problem names {@code file:line:col}.
 */
public final class ConfigLoader {
    private static final List<String> CORE_SECTIONS = List.of("logging", "lifecycle");

    private final List<SectionKey<?>> sections;
    private final List<CrossCheck> checks;

    public ConfigLoader(List<SectionKey<?>> sections) {
        this(sections, List.of());
    }

    /** @param checks rules across sections, run once every section is bound */
    public ConfigLoader(List<SectionKey<?>> sections, List<CrossCheck> checks) {
        this.sections = List.copyOf(sections);
        this.checks = List.copyOf(checks);
    }

    /**
     * A rule that needs more than one section (two listeners on one port). It reads the bound records and
     * reports through the mappings the binders read, by section name, so its problems carry file:line:col
     * like a binder's.
     */
    @FunctionalInterface
    public interface CrossCheck {
        void check(Map<String, ConfigMapping> sections, AppConfig bound);
    }

    public AppConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
        String label = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw fileProblem(label, "cannot read config: is a directory");
            }
            text = decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw fileProblem(label, "cannot read config: no such file");
        } catch (AccessDeniedException e) {
            throw fileProblem(label, "cannot read config: permission denied");
        } catch (CharacterCodingException e) {
            throw fileProblem(label, "cannot read config: not valid UTF-8");
        } catch (IOException e) {
            throw fileProblem(label, "cannot read config: " + e.getMessage());
        }
        Path baseDir = file.toAbsolutePath().getParent();
        return loadText(text, label, baseDir, overrides);
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }

    private static ConfigException fileProblem(String label, String message) {
        return new ConfigException(List.of(new ConfigProblem(new Position(label, 1, 1), message)));
    }

    /**
     * Binds YAML text.
     *
     * @param sourceLabel what positions name, such as the file path
     * @param baseDir     what relative paths in the text resolve against
     */
    public AppConfig loadText(String text, String sourceLabel, Path baseDir, ConfigOverrides overrides)
            throws ConfigException {
        BindContext context = new BindContext(sourceLabel, baseDir, Path.of("").toAbsolutePath());
        Node root = parse(text, context);
        MappingNode rootMapping;
        if (root == null) {
            rootMapping = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        } else if (root instanceof MappingNode m) {
            rootMapping = m;
        } else {
            context.report(context.positionOf(root), "the config must be a mapping of sections (tftp:, dhcp:, syslog:, ...)");
            throw new ConfigException(context.problems());
        }
        applyOverrides(rootMapping, overrides, context);

        ConfigMapping top = new ConfigMapping(rootMapping, "", context, new Position(sourceLabel, 1, 1));
        CoreSettings core = CoreSettings.bind(top);
        Map<String, Object> bound = new LinkedHashMap<>();
        Map<String, ConfigMapping> mappings = new LinkedHashMap<>();
        for (SectionKey<?> key : sections) {
            ConfigMapping section = top.mapping(key.name());
            mappings.put(key.name(), section);
            bound.put(key.name(), key.binder().bind(section));
        }
        AppConfig provisional = new AppConfig(sourceLabel, baseDir, core, bound);
        for (CrossCheck check : checks) {
            check.check(mappings, provisional);
        }
        context.reportUnknownKeys();
        List<ConfigProblem> problems = context.problems();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AppConfig(sourceLabel, baseDir, core, bound, ConfigPrinter.render(top), context.warnings());
    }

    /** Names of every top-level section this loader knows, core's first. */
    public List<String> sectionNames() {
        List<String> names = new ArrayList<>(CORE_SECTIONS);
        sections.forEach(s -> names.add(s.name()));
        return names;
    }

    private static Node parse(String text, BindContext context) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by ConfigMapping, with both positions
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            context.report(context.positionOf(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark()),
                    "YAML syntax: " + problem);
            throw new ConfigException(context.problems());
        } catch (YAMLException e) {
            context.report(new Position(context.positionOf((org.yaml.snakeyaml.error.Mark) null).source(), 1, 1),
                    "YAML syntax: " + e.getMessage());
            throw new ConfigException(context.problems());
        }
    }

    private static void applyOverrides(MappingNode root, ConfigOverrides overrides, BindContext context) {
        for (ConfigOverrides.Override o : overrides.all()) {
            String[] parts = o.dottedKey().split("\\.");
            MappingNode current = root;
            for (int i = 0; i < parts.length - 1; i++) {
                current = childMapping(current, parts[i]);
            }
            ScalarNode value = new ScalarNode(Tag.STR, o.value(), null, null, DumperOptions.ScalarStyle.PLAIN);
            context.markOverride(value, o.flag());
            String last = parts[parts.length - 1];
            List<NodeTuple> tuples = current.getValue();
            tuples.removeIf(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(last));
            tuples.add(new NodeTuple(new ScalarNode(Tag.STR, last, null, null, DumperOptions.ScalarStyle.PLAIN), value));
        }
    }

    private static MappingNode childMapping(MappingNode parent, String key) {
        for (NodeTuple t : parent.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
                    && t.getValueNode() instanceof MappingNode m) {
                return m;
            }
        }
        MappingNode created = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        List<NodeTuple> tuples = parent.getValue();
        tuples.removeIf(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key));
        tuples.add(new NodeTuple(new ScalarNode(Tag.STR, key, null, null, DumperOptions.ScalarStyle.PLAIN), created));
        return created;
    }
}

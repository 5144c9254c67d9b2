package dev.limbo.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Takes the value of {@code --rules} as it is, even when it starts with '-' ({@code --rules
 * -hung-task} would otherwise be read as the cluster {@code -h -u ...}).
 */
public final class RulesArgs implements CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        if (args.isEmpty()) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--rules needs a value, e.g. --rules=-unreaped-zombie");
        }
        String value = args.pop();
        List<String> current = argSpec.getValue();
        List<String> next = current == null ? new ArrayList<>() : new ArrayList<>(current);
        next.add(value);
        argSpec.setValue(next);
        return true;
    }
}

/**
 * Sigma's own node and edge programs without three costs it pays every frame,
 * which software WebGL (SwiftShader, the only WebGL without a GPU) pays dearly:
 * - Sigma draws each node and edge as an instance of one small shape
 *   (instanced drawing). A GPU draws instances in one go; SwiftShader runs
 *   one internal draw per instance, handing each to its worker threads, and
 *   that overhead, not the pixels, was most of a frame. Here each vertex
 *   carries its instance's data (three vertices a node, six an edge), so a
 *   frame is one plain draw per program.
 * - `Program.bindProgram` uploads the whole vertex array (`bufferData`) for
 *   every pass of every frame, though the array only changes when sigma
 *   re-processes the graph (a refresh). Here each pass's buffer is uploaded
 *   again only after the array changed.
 * - The picking pass (node ids drawn off-screen, read back for hover and
 *   click) is skipped while the camera moves with edges hidden: nothing is
 *   hovered mid-move, and sigma draws a still frame, picking included, once
 *   the move ends (the end of an animation, or its refresh on mouse-up).
 * - The nodes' picking pass reads the same vertex buffer as their normal
 *   pass (sigma gives each its own, each uploaded), and an edge vertex holds
 *   only its own end and side (6 floats, not sigma's 10): the arrays written,
 *   uploaded and read at 125,000 links were 30 MB.
 *
 * What is drawn at rest is unchanged: the same shaders' arithmetic, the same
 * data, the same pixels. While the camera moves over more than
 * `THIN_NODES_ABOVE` nodes, only the nodes raised above the base layer
 * (partners; with a highlight, the highlighted) are drawn.
 */
import type Sigma from 'sigma';
import {
  EdgeRectangleProgram,
  NodeCircleProgram,
  type InstancedProgramDefinition,
  type Program,
  type ProgramDefinition,
  type ProgramInfo,
} from 'sigma/rendering';
import type { RenderParams } from 'sigma/types';

/**
 * Above this many nodes, a frame of a move draws only the nodes sigma's zIndex
 * ordering put after the base layer (zIndex 0: customers, or whatever a
 * highlight dims): at 50,000 nodes their discs are most of a moving frame.
 */
export const THIN_NODES_ABOVE = 20_000;

/** Sigma's own test (`Sigma.render`) of a camera in motion, for a renderer. */
export function cameraMoving(renderer: Sigma): boolean {
  const mouse = renderer.getMouseCaptor();
  return renderer.getCamera().isAnimated() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0;
}

/** A concrete sigma program class (TypeScript's mixin pattern needs a constructor of any arguments). */
/* eslint-disable @typescript-eslint/no-explicit-any */
type ProgramClass = new (...args: any[]) => Program & {
  getDefinition(): ReturnType<Program['getDefinition']>;
  setUniforms(params: RenderParams, info: ProgramInfo): void;
  process(...args: any[]): void;
  processVisibleItem(...args: any[]): void;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A sigma program (drawn without instancing) uploading its vertices once per change, without picking mid-move. */
function lean<TBase extends ProgramClass>(Base: TBase) {
  return class Lean extends Base {
    /** Bumped whenever the vertex array may have changed. */
    private arrayVersion = 0;
    /** The array version each GL buffer holds. */
    private readonly uploaded = new WeakMap<WebGLBuffer, number>();

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sigma's (gl, pickingBuffer, renderer)
    constructor(...args: any[]) {
      super(...args);
      // Both passes read the same vertices (the picking pass only reads the id instead of the colour): one buffer, one upload.
      const pick = this.pickProgram as (ProgramInfo & { buffer: WebGLBuffer }) | null;
      if (pick !== null) {
        pick.gl.deleteBuffer(pick.buffer);
        pick.buffer = this.normalProgram.buffer;
      }
    }

    override reallocate(capacity: number): void {
      super.reallocate(capacity);
      this.arrayVersion += 1;
    }

    override process(...args: unknown[]): void {
      this.arrayVersion += 1;
      super.process(...args);
    }

    protected override bindProgram(program: ProgramInfo): void {
      if (this.uploaded.get(program.buffer) !== this.arrayVersion) {
        super.bindProgram(program);
        this.uploaded.set(program.buffer, this.arrayVersion);
        return;
      }
      // Sigma's bindProgram (of a program without instancing) without its bufferData: the buffer already holds the data.
      const { gl } = program;
      gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
      let offset = 0;
      for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }

    override render(params: RenderParams): void {
      const renderer = this.renderer as unknown as Sigma;
      if (this.pickProgram === null || !renderer.getSetting('hideEdgesOnMove') || !cameraMoving(renderer)) {
        super.render(params);
        return;
      }
      // Program.render without its picking pass.
      if (this.hasNothingToRender()) return;
      this.normalProgram.gl.viewport(0, 0, params.width * params.pixelRatio, params.height * params.pixelRatio);
      this.bindProgram(this.normalProgram);
      this.renderProgram(params, this.normalProgram);
      this.unbindProgram(this.normalProgram);
    }
  };
}

/**
 * The same program, drawn without instancing: its constant attributes (the
 * shape's corners) become per-vertex attributes after the item's own, and
 * each item is written once per vertex.
 */
function deinstanced<TBase extends ProgramClass>(Base: TBase) {
  const instanced = (Base as unknown as { prototype: Program }).prototype.getDefinition() as InstancedProgramDefinition;
  const itemFloats = instanced.ATTRIBUTES.reduce((n, a) => n + attributeFloats(a), 0);
  const cornerFloats = instanced.CONSTANT_ATTRIBUTES.reduce((n, a) => n + attributeFloats(a), 0);
  const definition: ProgramDefinition = {
    VERTICES: instanced.VERTICES,
    VERTEX_SHADER_SOURCE: instanced.VERTEX_SHADER_SOURCE,
    FRAGMENT_SHADER_SOURCE: instanced.FRAGMENT_SHADER_SOURCE,
    METHOD: instanced.METHOD,
    UNIFORMS: instanced.UNIFORMS,
    ATTRIBUTES: [...instanced.ATTRIBUTES, ...instanced.CONSTANT_ATTRIBUTES],
  };
  const corners = instanced.CONSTANT_DATA.flat();
  return class Deinstanced extends Base {
    override getDefinition() {
      return definition;
    }

    override processVisibleItem(index: number, start: number, ...data: unknown[]): void {
      // The instanced program writes the item's attributes at `start`; copy them to every vertex, each with its corner.
      // Float by float: a subarray and two `set`s per vertex cost more than the copy itself.
      super.processVisibleItem(index, start, ...data);
      const array = this.array;
      for (let v = 0, at = start, c = 0; v < definition.VERTICES; v++) {
        if (v > 0) for (let k = 0; k < itemFloats; k++) array[at + k] = array[start + k]!;
        at += itemFloats;
        for (let k = 0; k < cornerFloats; k++) array[at++] = corners[c++]!;
      }
    }
  };
}

/**
 * Sigma's edge rectangle without instancing, one vertex holding only what
 * its corner needs: its end of the edge (start or end) and its side of the
 * normal (+ or -), picked here instead of by the vertex shader, whose
 * arithmetic is otherwise the same (`x * 1.0 + y * 0.0` is exactly `x`).
 * Six floats a vertex instead of ten.
 */
class EdgeRectangleVertices extends EdgeRectangleProgram {
  private static readonly definition: ProgramDefinition = (() => {
    const instanced = EdgeRectangleProgram.prototype.getDefinition();
    const source = [
      ['attribute float a_normalCoef;\n', ''],
      ['attribute vec2 a_positionStart;\nattribute vec2 a_positionEnd;\nattribute float a_positionCoef;\n', 'attribute vec2 a_position;\n'],
      ['vec2 normal = a_normal * a_normalCoef;', 'vec2 normal = a_normal;'],
      ['vec2 position = a_positionStart * (1.0 - a_positionCoef) + a_positionEnd * a_positionCoef;', 'vec2 position = a_position;'],
    ].reduce((shader, [from, to]) => {
      // Sigma's shader changed: this program must be checked against it again.
      if (!shader.includes(from!)) throw new Error(`web/map/programs: sigma's edge shader no longer has ${JSON.stringify(from)}`);
      return shader.replace(from!, to!);
    }, instanced.VERTEX_SHADER_SOURCE);
    const attribute = (name: string) => instanced.ATTRIBUTES.find((a) => a.name === name)!;
    return {
      VERTICES: 6,
      VERTEX_SHADER_SOURCE: source,
      FRAGMENT_SHADER_SOURCE: instanced.FRAGMENT_SHADER_SOURCE,
      METHOD: instanced.METHOD,
      UNIFORMS: instanced.UNIFORMS,
      ATTRIBUTES: [{ name: 'a_position', size: 2, type: WebGLRenderingContext.FLOAT }, attribute('a_normal'), attribute('a_color'), attribute('a_id')],
    };
  })();

  /** Sigma's corners, in its order: [end (0 start, 1 end), side of the normal]. */
  private static readonly corners = (EdgeRectangleProgram.prototype.getDefinition() as InstancedProgramDefinition).CONSTANT_DATA;

  override getDefinition() {
    // Typed by sigma as its instanced definition; sigma's Program reads either kind.
    return EdgeRectangleVertices.definition as unknown as ReturnType<EdgeRectangleProgram['getDefinition']>;
  }

  override processVisibleItem(...args: Parameters<EdgeRectangleProgram['processVisibleItem']>): void {
    // Sigma's own arithmetic writes x1 y1 x2 y2 n1 n2 colour id at `start`; they become six vertices of six floats.
    super.processVisibleItem(...args);
    const array = this.array;
    const start = args[1];
    const [x1, y1, x2, y2, n1, n2, color, id] = [array[start]!, array[start + 1]!, array[start + 2]!, array[start + 3]!, array[start + 4]!, array[start + 5]!, array[start + 6]!, array[start + 7]!];
    let i = start;
    for (const [end, side] of EdgeRectangleVertices.corners) {
      array[i++] = end === 0 ? x1 : x2;
      array[i++] = end === 0 ? y1 : y2;
      array[i++] = n1 * side!;
      array[i++] = n2 * side!;
      array[i++] = color;
      array[i++] = id;
    }
  }
}

/** Floats an attribute takes in sigma's arrays: four bytes (a colour, an id) pack into one. */
function attributeFloats(attribute: { size: number; type: number }): number {
  return attribute.type === WebGLRenderingContext.UNSIGNED_BYTE ? attribute.size / 4 : attribute.size;
}

/**
 * Nodes in sigma's zIndex order (it sorts them when it processes the graph),
 * counting those of the base layer (zIndex 0) at the start of the array, so a
 * moving frame of a big map can draw only the rest.
 */
function thinnedWhileMoving<TBase extends ReturnType<typeof lean>>(Base: TBase) {
  return class Thinned extends Base {
    /** Nodes at the start of the array with zIndex 0. */
    private baseLayer = 0;
    private thin = false;

    override reallocate(capacity: number): void {
      // Sigma reallocates before each full pass over the nodes, in zIndex order.
      super.reallocate(capacity);
      this.baseLayer = 0;
    }

    override process(...args: unknown[]): void {
      const [, offset, data] = args as [number, number, { zIndex?: number }];
      if (offset === this.baseLayer && !((data.zIndex ?? 0) > 0)) this.baseLayer += 1;
      super.process(...args);
    }

    override render(params: RenderParams): void {
      const renderer = this.renderer as unknown as Sigma;
      this.thin = this.capacity > THIN_NODES_ABOVE && this.baseLayer < this.capacity && renderer.getSetting('hideEdgesOnMove') && cameraMoving(renderer);
      super.render(params);
    }

    override drawWebGL(method: number, info: ProgramInfo): void {
      if (!this.thin) {
        super.drawWebGL(method, info);
        return;
      }
      const { gl } = info;
      gl.bindFramebuffer(gl.FRAMEBUFFER, info.frameBuffer);
      gl.drawArrays(method, this.baseLayer * this.VERTICES, (this.capacity - this.baseLayer) * this.VERTICES);
    }
  };
}

// Typed as sigma's own classes: same constructor, same public interface.
export const LeanNodeCircleProgram = thinnedWhileMoving(lean(deinstanced(NodeCircleProgram))) as unknown as typeof NodeCircleProgram;
export const LeanEdgeRectangleProgram = lean(EdgeRectangleVertices) as unknown as typeof EdgeRectangleProgram;
